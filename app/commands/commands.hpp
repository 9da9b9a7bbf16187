#pragma once
// Each subcommand of `music-lstm` lives in its own file and adds itself to the app here.

#include <CLI/CLI.hpp>

namespace mlstm::app {

void add_inspect_command(CLI::App& app);
void add_get_data_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_inspect_model_command(CLI::App& app);
void add_export_model_command(CLI::App& app);
void add_compose_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_devices_command(CLI::App& app);
void add_play_command(CLI::App& app);
void add_listen_command(CLI::App& app);
void add_jam_command(CLI::App& app);

}  // namespace mlstm::app
