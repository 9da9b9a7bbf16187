-- Ardour (Debian's ardour 7.3, headless through ardour7-lua) hosts both LV2 plugins: a new
-- session on Ardour's dummy backend, a MIDI track with the MIDI effect and one with the
-- instrument, the transport rolled for 4 s and stopped, the session closed. The plugins' own log
-- lines (stderr) say that each loaded its model and followed Ardour's transport; the test that
-- runs this (test_plugin_ardour.py) reads them.
--
--   MUSIC_LSTM_ARDOUR_SESSION=DIR LV2_PATH=BUILD/bin ardour7-lua ardour_session.lua
local function say(...)
  print(...)
  io.stdout:flush()  -- luasession may end without flushing
end

AudioEngine:set_backend("None (Dummy)", "ardour", "")
local session = create_session(os.getenv("MUSIC_LSTM_ARDOUR_SESSION"), "music-lstm", 48000)
assert(session, "Ardour could not create the session")
local midi = ARDOUR.ChanCount(ARDOUR.DataType("midi"), 1)
for _, uri in ipairs({ "urn:music-lstm:jam", "urn:music-lstm:instrument" }) do
  local tracks = session:new_midi_track(midi, midi, false, ARDOUR.PluginInfo(), nil, nil, 1, uri,
                                        ARDOUR.PresentationInfo.max_order,
                                        ARDOUR.TrackMode.Normal, true, false)
  local plugin = ARDOUR.LuaAPI.new_plugin(session, uri, ARDOUR.PluginType.LV2, "")
  assert(not plugin:isnil(), "Ardour does not find " .. uri)
  assert(tracks:front():add_processor_by_index(plugin, 0, nil, true) == 0,
         "Ardour could not add " .. uri .. " to a track")
  say("added " .. uri .. " with " .. plugin:to_insert():plugin(0):parameter_count() ..
      " parameters")
end
session:request_roll(ARDOUR.TransportRequestSource.TRS_UI)
ARDOUR.LuaAPI.usleep(4000000)
say("rolled to sample " .. session:transport_sample())
session:request_stop(false, false, ARDOUR.TransportRequestSource.TRS_UI)
ARDOUR.LuaAPI.usleep(500000)
close_session()
say("closed")
