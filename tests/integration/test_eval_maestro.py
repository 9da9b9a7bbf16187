#!/usr/bin/env python3
"""`music-lstm eval` on MAESTRO's test split with the small model in tests/data/: the JSON report
holds every figure (likelihood, continuation overlaps, repetition), the Markdown report and the
SVG plots are written, a second run gives the same figures, and bad input gives one line and a
non-zero exit. Exits 77 (skipped) when the data is absent (after the bad-input checks)."""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support.maestro import SKIP, maestro_missing  # noqa: E402

MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                     "tiny-libtorch-2.11-cuda.ckpt")
# Trained with durations as heard under the sustain pedal (training.sustain_pedal).
SHIPPED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models",
                       "default", "model.ckpt")


def run(binary, *args):
    r = subprocess.run([binary, "eval", "--device", "cpu", "--quiet", *args],
                       capture_output=True, text=True, timeout=600)
    return r


def one_line_error(r, words):
    lines = [x for x in r.stderr.strip().splitlines() if x]
    assert r.returncode != 0, f"exit 0 for bad input: {r.stdout}"
    assert len(lines) == 1, f"not one line: {r.stderr!r}"
    assert words in lines[0], f"{lines[0]!r} does not say {words!r}"
    print("bad input:", lines[0])


def check_pedal_follows_the_model(binary, data):
    """The real music's durations are read as the model learnt them unless told otherwise: under
    the sustain pedal for the shipped default, of the keys alone for the small model."""
    with tempfile.TemporaryDirectory() as tmp:
        def pedal_and_duration_error(model, *options):
            out = os.path.join(tmp, str(len(os.listdir(tmp))))
            r = run(binary, "--model", model, "--data", data, "--prompts", "1", "--song-notes",
                    "60", "--max-windows", "50", "--listener-phrases", "0", "--out", out,
                    *options)
            assert r.returncode == 0, r.stderr
            with open(os.path.join(out, "report.json")) as f:
                report = json.load(f)
            said = "(durations as heard under the pedal)" in r.stdout
            assert said == report["sustain_pedal"], f"the summary does not say so: {r.stdout}"
            md = open(os.path.join(out, "report.md")).read()
            assert ("under the sustain pedal" in md) == report["sustain_pedal"], md[:400]
            return report["sustain_pedal"], report["likelihood"]["duration_mae_ms"]
        small = pedal_and_duration_error(MODEL)
        small_pedal = pedal_and_duration_error(MODEL, "--sustain-pedal")
        assert not small[0] and small_pedal[0], (small, small_pedal)
        assert small[1] != small_pedal[1], "--sustain-pedal did not change the durations read"
        shipped = pedal_and_duration_error(SHIPPED)
        shipped_keys = pedal_and_duration_error(SHIPPED, "--no-sustain-pedal")
        assert shipped[0] and not shipped_keys[0], (shipped, shipped_keys)
        print(f"duration error of the small model: {small[1]:.1f} ms (keys), {small_pedal[1]:.1f} "
              f"ms (pedal); of the shipped: {shipped[1]:.1f} ms (pedal, its default), "
              f"{shipped_keys[1]:.1f} ms (keys)")
        r = run(binary, "--model", MODEL, "--sustain-pedal", "--no-sustain-pedal", "--out", tmp)
        assert r.returncode != 0, "--sustain-pedal with --no-sustain-pedal was accepted"


def main():
    binary, data = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        one_line_error(run(binary, "--model", os.path.join(tmp, "nope.ckpt"), "--data", data,
                           "--out", tmp), "nope.ckpt")
        one_line_error(run(binary, "--model", MODEL, "--split", "dev", "--out", tmp), "--split")
        one_line_error(run(binary, "--model", MODEL, "--data", os.path.join(tmp, "no-data"),
                           "--out", tmp), "get-data")
    missing = maestro_missing(data)
    if missing:
        print(missing)
        return SKIP
    reports = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(2):
            out = os.path.join(tmp, f"report{k}")
            r = run(binary, "--model", MODEL, "--data", data, "--prompts", "4", "--song-notes",
                    "120", "--max-windows", "200", "--listener-phrases", "10", "--chain-answers",
                    "2", "--out", out)
            print(r.stdout, r.stderr)
            assert r.returncode == 0, f"exit {r.returncode}"
            r_summary = r.stdout
            with open(os.path.join(out, "report.json")) as f:
                reports.append(json.load(f))
            md = open(os.path.join(out, "report.md")).read()
            for heading in ("Note by note", "Continuations", "Repetition", "The listener's test",
                            "Plots"):
                assert heading in md, f"report.md has no {heading} section"
            for plot in reports[-1]["plots"]:
                root = ET.parse(os.path.join(out, plot)).getroot()
                assert root.tag.endswith("svg"), f"{plot} is not an SVG"
    # A run of one epoch: its loss curves are the step losses and one dot per epoch figure.
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "metrics.csv"), "w") as f:
            f.write("epoch,step,train_loss,validation_loss\n1,60,6.4,6.6\n")
        with open(os.path.join(tmp, "steps.csv"), "w") as f:
            f.write("step,train_seconds,train_loss\n20,1.0,7.9\n40,2.0,7.1\n60,3.0,6.5\n")
        out = os.path.join(tmp, "report")
        r = run(binary, "--model", MODEL, "--data", data, "--prompts", "1", "--song-notes", "60",
                "--max-windows", "10", "--metrics-csv", os.path.join(tmp, "metrics.csv"),
                "--listener-phrases", "0", "--out", out)
        assert r.returncode == 0, r.stderr
        svg = open(os.path.join(out, "loss_curves.svg")).read()
        assert svg.count("<polyline") == 3 and svg.count("<circle") == 2, svg
        assert "steps.csv" in svg, "the step losses are not in the plot"
    check_pedal_follows_the_model(binary, data)
    r = reports[0]
    likelihood, cont, rep = r["likelihood"], r["continuations"], r["repetition"]
    for key in ("pitch_nll", "step_mae_ms", "duration_mae_ms", "velocity_mae"):
        assert key in likelihood, f"no {key}"
    assert likelihood["windows"] == 200 and likelihood["pitch_nll"] > 0
    for key in ("pitch_class_overlap", "inter_onset_interval_overlapping_area",
                "duration_overlapping_area"):
        assert 0.0 <= cont[key] <= 1.0, f"{key} = {cont[key]}"
    for key in ("pitch_range", "mean_abs_interval"):
        assert {"model_mean", "real_mean", "overlapping_area"} <= set(cont[key]), key
    assert cont["prompts"] == 4 and cont["answer_notes"] == 50 and cont["prompt_notes"] == 10
    assert rep["songs"] == 4 and rep["song_notes"] == 120
    assert 1 <= rep["longest_two_pitch_run_mean"] <= 120
    assert 0.0 <= rep["share_stuck"] <= 1.0 and 0.0 < rep["distinct_four_gram_share"] <= 1.0
    # The real music after the same prompts, for comparison, where the performance goes on for
    # 120 notes after the prompt (a prompt near a performance's end has fewer).
    real = rep["real"]
    assert 1 <= real["songs"] <= 4, f"real stretches: {real['songs']}"
    assert 1 <= real["longest_two_pitch_run_mean"] <= 120
    assert 0.0 < real["distinct_four_gram_share"] <= 1.0
    # The decoding the jam uses by default, with its repetition penalty, is what eval measures.
    assert r["search"]["repetition_penalty"] > 0 and r["search"]["repetition_window"] >= 1
    assert "repetition penalty" in md and "| real |" in md, "report.md lacks the decoding or real row"
    assert {"pitch_classes.svg", "inter_onset_intervals.svg", "durations.svg"} <= set(r["plots"])
    # Playability: every answer of the 4 prompts, and the songs of 120 notes as chains of 50-note
    # answers (2 each); the real music beside them. Real piano music is never degenerate.
    play = r["playability"]
    cr, chain = play["call_and_response"], play["continuous"]
    assert cr["model"]["answers"] == 4 and cr["real"]["answers"] == 4
    assert chain["model"]["answers"] == 8 and 1 <= chain["real"]["answers"] <= 8
    for who in (cr["model"], cr["real"], chain["model"], chain["real"]):
        assert 0.0 <= who["share_degenerate"] <= 1.0
        assert who["span_s"]["p10"] <= who["span_s"]["median"] <= who["span_s"]["p90"]
        assert 1 <= who["largest_cluster"]["median"] <= who["largest_cluster"]["max"] <= 50
        assert who["notes_per_second"]["median"] > 0
    assert cr["real"]["degenerate"] == 0 and cr["real"]["span_s"]["median"] > 1.0
    assert "Playability" in md and "continuous, model" in md, "report.md lacks playability"
    # The listener's test: 10 phrases, each answered once (call and response) and chained twice
    # (continuous), the real music beside each; its control; every figure, the most separating
    # first; the summary says both accuracies.
    listener = r["listener"]
    assert listener["phrases"] == 10 and listener["phrase_notes"] == 16
    assert listener["chain_answers"] == 2 and listener["answer_notes"] == 50
    for mode, samples in (("call_and_response", 20), ("continuous", 40)):
        t = listener[mode]
        assert t["samples"] == samples and t["control"]["samples"] == samples, (mode, t["samples"])
        for a in (t["accuracy"], t["logistic_accuracy"], t["boosted_accuracy"],
                  t["control"]["accuracy"]):
            assert 0.0 <= a <= 1.0, (mode, a)
        assert t["accuracy"] == max(t["logistic_accuracy"], t["boosted_accuracy"])
        strengths = [abs(f["auc"] - 0.5) for f in t["figures"]]
        assert len(strengths) == 27 and strengths == sorted(strengths, reverse=True), mode
        assert {"key", "label", "auc", "median_model", "median_real"} <= set(t["figures"][0])
        assert t["playability"]["model"]["answers"] == samples // 2
    assert "listener_figures.svg" in r["plots"]
    assert "told apart" in r_summary, "the summary does not give the listener's test"
    # The same prompts and seeds give the same figures (the times aside).
    for rr in reports:
        rr.pop("seconds")
        rr["continuations"].pop("answer_ms")
    assert reports[0] == reports[1], "two runs of eval differ"
    print(f"pitch NLL {likelihood['pitch_nll']:.3f}; pitch-class overlap "
          f"{cont['pitch_class_overlap']:.3f}; 2-pitch run {rep['longest_two_pitch_run_mean']:.1f}")
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
