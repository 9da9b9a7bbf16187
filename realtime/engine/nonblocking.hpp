#pragma once
// Marks the entry points of the audio thread. Under clang 20+ with -fsanitize=realtime,
// RealtimeSanitizer reports any allocation, lock or system call made while such a function runs
// (tests/realtime/); other compilers ignore the mark.

#if defined(__clang__) && __clang_major__ >= 20
#define MLSTM_NONBLOCKING [[clang::nonblocking]]
#else
#define MLSTM_NONBLOCKING
#endif
