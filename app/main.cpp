// The `music-lstm` command: subcommands for the dataset, training, composing and jamming.
#include <cstdio>
#include <exception>

#include "commands/commands.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "music-lstm: a seq2seq LSTM that answers a pianist live, trained on MAESTRO.\n"
      "Run `music-lstm COMMAND --help` for the options of each command."};
  app.name("music-lstm");
  app.set_version_flag("--version", std::string("music-lstm ") + mlstm::kVersion);
  app.require_subcommand(1);
  app.fallthrough(false);
  mlstm::app::add_inspect_command(app);
#ifdef MUSIC_LSTM_HAVE_FETCH
  mlstm::app::add_get_data_command(app);
#endif
  mlstm::app::add_train_command(app);
  mlstm::app::add_inspect_model_command(app);
  mlstm::app::add_export_model_command(app);
  mlstm::app::add_compose_command(app);
  mlstm::app::add_eval_command(app);
#ifdef MUSIC_LSTM_HAVE_REALTIME
  mlstm::app::add_devices_command(app);
  mlstm::app::add_play_command(app);
  mlstm::app::add_listen_command(app);
  mlstm::app::add_jam_command(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "music-lstm: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
