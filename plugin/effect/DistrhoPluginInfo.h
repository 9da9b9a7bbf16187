// What DPF builds here: music-lstm's jam as a MIDI effect (the player's notes pass through, the
// model's answers are added on their own channel). One class (../music_lstm_plugin.cpp), two
// variants (this one and ../instrument/), three formats: LV2, VST3, CLAP.
#pragma once

#define DISTRHO_PLUGIN_NAME "music-lstm"
#define DISTRHO_PLUGIN_URI "urn:music-lstm:jam"
#define DISTRHO_PLUGIN_CLAP_ID "org.music-lstm.jam"

#define DISTRHO_PLUGIN_HAS_UI 0
#define DISTRHO_PLUGIN_IS_RT_SAFE 1
#define DISTRHO_PLUGIN_IS_SYNTH 0
#define DISTRHO_PLUGIN_NUM_INPUTS 0
#define DISTRHO_PLUGIN_NUM_OUTPUTS 0
#define DISTRHO_PLUGIN_WANT_MIDI_INPUT 1
#define DISTRHO_PLUGIN_WANT_MIDI_OUTPUT 1
#define DISTRHO_PLUGIN_WANT_TIMEPOS 1
#define DISTRHO_PLUGIN_WANT_STATE 1
#define DISTRHO_PLUGIN_WANT_FULL_STATE 0
#define DISTRHO_PLUGIN_WANT_LATENCY 1
// Room in a block's MIDI out (LV2's atom buffer) for an answer's chord and the pass-through.
#define DISTRHO_PLUGIN_MINIMUM_BUFFER_SIZE 8192

#define DISTRHO_PLUGIN_LV2_CATEGORY "lv2:MIDIPlugin"
#define DISTRHO_PLUGIN_VST3_CATEGORIES "Fx|Generator"
#define DISTRHO_PLUGIN_CLAP_FEATURES "note-effect"
