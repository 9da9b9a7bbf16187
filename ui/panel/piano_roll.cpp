#include "panel/piano_roll.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace mlstm::ui {
namespace {

constexpr ImU32 kBackground = IM_COL32(24, 26, 32, 255);
constexpr ImU32 kOctaveLine = IM_COL32(60, 64, 76, 255);
constexpr ImU32 kPlayer = IM_COL32(80, 170, 255, 255);
constexpr ImU32 kModel = IM_COL32(255, 150, 60, 255);
constexpr ImU32 kModelAhead = IM_COL32(255, 150, 60, 110);
constexpr ImU32 kGridLine = IM_COL32(44, 46, 58, 255);
constexpr ImU32 kBeatLine = IM_COL32(70, 70, 90, 255);
constexpr ImU32 kBarLine = IM_COL32(120, 120, 150, 255);
constexpr ImU32 kPlayhead = IM_COL32(240, 240, 240, 200);

}  // namespace

void draw_piano_roll(const rt::PerformerView& view, int sample_rate, float height,
                     const PianoRollStyle& style) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = std::max(100.0f, ImGui::GetContentRegionAvail().x);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 end(origin.x + width, origin.y + height);
  draw->AddRectFilled(origin, end, kBackground);
  ImGui::Dummy(ImVec2(width, height));
  if (view.now < 0) return;

  // The pitch range shown: the notes' own, at least two octaves, whole octaves.
  int low = 127, high = 0;
  for (const auto* notes : {&view.player, &view.model}) {
    for (const rt::PlannedNote& n : *notes) {
      low = std::min(low, n.pitch);
      high = std::max(high, n.pitch);
    }
  }
  if (low > high) low = 48, high = 72;
  low = std::max(0, low / 12 * 12);
  high = std::min(127, std::max(low + 24, (high / 12 + 1) * 12));
  const float row = height / static_cast<float>(high - low + 1);

  const double span = style.past_seconds + style.ahead_seconds;
  const auto x_of = [&](std::int64_t frame) {
    const double t = static_cast<double>(frame - view.now) / sample_rate + style.past_seconds;
    return origin.x + static_cast<float>(std::clamp(t / span, 0.0, 1.0)) * width;
  };
  const auto y_of = [&](int pitch) { return end.y - static_cast<float>(pitch - low + 1) * row; };
  for (int p = low; p <= high; p += 12) {
    draw->AddLine(ImVec2(origin.x, y_of(p) + row), ImVec2(end.x, y_of(p) + row), kOctaveLine);
  }
  // The player's beat: faint lines on the beats, brighter on the bar lines, across the roll.
  if (view.beat && view.beat->period > 0) {
    const rt::PlayerBeat& b = *view.beat;
    const double from = static_cast<double>(view.now) - style.past_seconds * sample_rate;
    const double to = static_cast<double>(view.now) + style.ahead_seconds * sample_rate;
    const double anchor = b.anchor();
    const int per_bar = std::max(1, view.beats_per_bar);
    // The grid the answers are drawn to (groove), fainter, between the beats.
    const std::vector<double> points = view.grid ? view.grid->points() : std::vector<double>{};
    for (long k = static_cast<long>(std::ceil((from - anchor) / b.period)) - 1;
         anchor + static_cast<double>(k) * b.period <= to; ++k) {
      for (const double p : points) {
        if (p <= 0) continue;
        const double at = anchor + (static_cast<double>(k) + p) * b.period;
        if (at < from || at > to) continue;
        const float gx = x_of(static_cast<std::int64_t>(at));
        draw->AddLine(ImVec2(gx, origin.y), ImVec2(gx, end.y), kGridLine);
      }
      const double beat_at = anchor + static_cast<double>(k) * b.period;
      if (beat_at < from) continue;
      const float x = x_of(static_cast<std::int64_t>(beat_at));
      const bool bar = b.bar >= 0 && ((k % per_bar) + per_bar) % per_bar == 0;
      draw->AddLine(ImVec2(x, origin.y), ImVec2(x, end.y), bar ? kBarLine : kBeatLine,
                    bar ? 1.5f : 1.0f);
    }
  }
  const auto note_rect = [&](const rt::PlannedNote& n, ImU32 colour) {
    const std::int64_t note_end = n.end < 0 ? view.now : n.end;
    const float x0 = x_of(n.start), x1 = std::max(x_of(note_end), x0 + 2.0f);
    if (x1 <= origin.x || x0 >= end.x) return;
    draw->AddRectFilled(ImVec2(x0, y_of(n.pitch)), ImVec2(x1, y_of(n.pitch) + row - 1), colour,
                        2.0f);
  };
  for (const rt::PlannedNote& n : view.model) {
    note_rect(n, n.start > view.now ? kModelAhead : kModel);
  }
  for (const rt::PlannedNote& n : view.player) note_rect(n, kPlayer);
  const float playhead = x_of(view.now);
  draw->AddLine(ImVec2(playhead, origin.y), ImVec2(playhead, end.y), kPlayhead, 2.0f);
}

}  // namespace mlstm::ui
