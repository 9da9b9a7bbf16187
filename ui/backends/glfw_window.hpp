#pragma once
// The platform glue of the panel (Dear ImGui's GLFW and OpenGL 3 backends): a window with a GL
// context, a frame loop capped at a frame rate (VSync is not always there: Xvfb has none), the
// computer keyboard's key events, and screenshots to PNG. Nothing here knows about the jam.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

struct GLFWwindow;

namespace mlstm::ui {

class DisplayError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WindowOptions {
  std::string title = "music-lstm";
  int width = 1180, height = 720;
  double max_fps = 60.0;
};

class PanelWindow {
 public:
  // Opens the window. Throws DisplayError (no display, no OpenGL 3).
  explicit PanelWindow(const WindowOptions& options);
  ~PanelWindow();
  PanelWindow(const PanelWindow&) = delete;
  PanelWindow& operator=(const PanelWindow&) = delete;

  // Called for each key of the computer keyboard that goes down or up, as its US-layout
  // character (letters upper case); keys without one are not passed on.
  std::function<void(char key, bool down)> on_key;

  // One frame: polls events, runs `draw` between ImGui's new frame and its render, presents it,
  // then sleeps what is left of the frame's time. False once the window was asked to close.
  bool frame(const std::function<void()>& draw);
  // Writes what the next frame shows as a PNG (read back before it is presented: the front
  // buffer is not readable everywhere). Throws DisplayError from that frame.
  void screenshot_next_frame(const std::filesystem::path& png) { screenshot_ = png; }

  int width() const;
  int height() const;
  std::uint64_t frames() const { return frames_; }

 private:
  void write_screenshot();
  static void key_callback(GLFWwindow* window, int key, int scancode, int action, int mods);

  GLFWwindow* window_ = nullptr;
  double frame_seconds_;
  double next_frame_ = 0;
  std::uint64_t frames_ = 0;
  std::filesystem::path screenshot_;
};

// Whether a display is there to open a window on ($DISPLAY or $WAYLAND_DISPLAY set).
bool display_available();

}  // namespace mlstm::ui
