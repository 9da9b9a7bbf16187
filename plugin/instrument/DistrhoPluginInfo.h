// What DPF builds here: music-lstm's jam as an instrument, for hosts that route a plugin's MIDI
// out poorly: the player's notes and the model's answers sound through FluidSynth inside the
// plugin (stereo out; the soundfont is state in the host's project). The same class as the MIDI
// effect (../music_lstm_plugin.cpp), three formats: LV2, VST3, CLAP.
#pragma once

#define DISTRHO_PLUGIN_NAME "music-lstm instrument"
#define DISTRHO_PLUGIN_URI "urn:music-lstm:instrument"
#define DISTRHO_PLUGIN_CLAP_ID "org.music-lstm.instrument"

#define DISTRHO_PLUGIN_HAS_UI 0
#define DISTRHO_PLUGIN_IS_RT_SAFE 1
#define DISTRHO_PLUGIN_IS_SYNTH 1
#define DISTRHO_PLUGIN_NUM_INPUTS 0
#define DISTRHO_PLUGIN_NUM_OUTPUTS 2
#define DISTRHO_PLUGIN_WANT_MIDI_INPUT 1
#define DISTRHO_PLUGIN_WANT_MIDI_OUTPUT 0
#define DISTRHO_PLUGIN_WANT_TIMEPOS 1
#define DISTRHO_PLUGIN_WANT_STATE 1
#define DISTRHO_PLUGIN_WANT_FULL_STATE 0
#define DISTRHO_PLUGIN_WANT_LATENCY 1

#define DISTRHO_PLUGIN_LV2_CATEGORY "lv2:InstrumentPlugin"
#define DISTRHO_PLUGIN_VST3_CATEGORIES "Instrument|Generator"
#define DISTRHO_PLUGIN_CLAP_FEATURES "instrument", "stereo"
