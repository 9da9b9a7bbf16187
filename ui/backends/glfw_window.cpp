#include "backends/glfw_window.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include <cstdlib>
#include <thread>
#include <vector>

#include "io/atomic_file.hpp"

namespace mlstm::ui {
namespace {

std::string glfw_error_text() {
  const char* text = nullptr;
  glfwGetError(&text);
  return text ? text : "unknown GLFW error";
}

// GLFW names keys by their place on a US keyboard; the computer keyboard wants that character.
char key_character(int key) {
  if (key >= GLFW_KEY_A && key <= GLFW_KEY_Z) return static_cast<char>('A' + (key - GLFW_KEY_A));
  if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9) return static_cast<char>('0' + (key - GLFW_KEY_0));
  switch (key) {
    case GLFW_KEY_COMMA:
      return ',';
    case GLFW_KEY_LEFT_BRACKET:
      return '[';
    case GLFW_KEY_RIGHT_BRACKET:
      return ']';
    default:
      return 0;
  }
}

}  // namespace

bool display_available() {
  const char* x = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return (x && *x) || (wayland && *wayland);
}

PanelWindow::PanelWindow(const WindowOptions& options) : frame_seconds_(1.0 / options.max_fps) {
  if (!display_available()) {
    throw DisplayError("no display (DISPLAY is not set)");
  }
  if (!glfwInit()) throw DisplayError("cannot open the display: " + glfw_error_text());
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  window_ =
      glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
  if (!window_) {
    const std::string why = glfw_error_text();
    glfwTerminate();
    throw DisplayError("cannot open a window with OpenGL 3: " + why + "; use --headless");
  }
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(1);
  glfwSetWindowUserPointer(window_, this);
  // Installed before ImGui's backend, which chains to it.
  glfwSetKeyCallback(window_, &PanelWindow::key_callback);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the panel keeps its own settings (panel_settings)
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 130");
  next_frame_ = glfwGetTime();
}

PanelWindow::~PanelWindow() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

void PanelWindow::key_callback(GLFWwindow* window, int key, int, int action, int) {
  auto* self = static_cast<PanelWindow*>(glfwGetWindowUserPointer(window));
  if (!self || !self->on_key || action == GLFW_REPEAT) return;
  if (const char c = key_character(key)) self->on_key(c, action == GLFW_PRESS);
}

bool PanelWindow::frame(const std::function<void()>& draw) {
  glfwPollEvents();
  if (glfwWindowShouldClose(window_)) return false;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  draw();
  ImGui::Render();
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  glViewport(0, 0, w, h);
  glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (!screenshot_.empty()) write_screenshot();
  glfwSwapBuffers(window_);
  ++frames_;
  // The cap: VSync may be missing (Xvfb, some drivers), and a panel must not take a core.
  next_frame_ += frame_seconds_;
  const double now = glfwGetTime();
  if (next_frame_ > now) {
    std::this_thread::sleep_for(std::chrono::duration<double>(next_frame_ - now));
  } else {
    next_frame_ = now;
  }
  return true;
}

void PanelWindow::write_screenshot() {
  const std::filesystem::path png = std::move(screenshot_);
  screenshot_.clear();
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * h * 4);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  std::string bytes;
  auto append = [](void* out, void* data, int size) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(data),
                                           static_cast<std::size_t>(size));
  };
  // OpenGL's rows go bottom up; PNG's top down: write from the last row with a negative stride.
  const int stride = w * 4;
  if (!stbi_write_png_to_func(append, &bytes, w, h, 4,
                              pixels.data() + static_cast<std::size_t>(h - 1) * stride, -stride)) {
    throw DisplayError("cannot encode the screenshot");
  }
  write_file_atomically(png, bytes);
}

int PanelWindow::width() const {
  int w = 0, h = 0;
  glfwGetWindowSize(window_, &w, &h);
  return w;
}

int PanelWindow::height() const {
  int w = 0, h = 0;
  glfwGetWindowSize(window_, &w, &h);
  return h;
}

}  // namespace mlstm::ui
