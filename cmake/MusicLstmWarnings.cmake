# Warnings as errors on our own code only (not on LibTorch's or other third-party headers,
# which come in as SYSTEM include directories).
function(music_lstm_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Woverloaded-virtual)
endfunction()
