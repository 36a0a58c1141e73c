"""analyzer.delivery.prosody on signals with known answers (librosa's test style), checked against librosa."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.delivery import prosody as pr
from tests.delivery_audio import SR, glide, silence, syllables, tone


@pytest.mark.parametrize("f0_hz", [70.0, 90.0, 120.0, 180.0, 220.0, 300.0, 380.0])
def test_pitch_of_a_tone(f0_hz):
    p = pr.analyze(tone(f0_hz, 1.5), sr=SR)
    inner = slice(5, -5)
    assert p.voiced[inner].mean() > 0.95
    assert np.nanmedian(p.f0_hz[inner]) == pytest.approx(f0_hz, rel=0.01)
    # speaker-normalised: a steady tone sits on its own median
    assert np.nanmax(np.abs(p.pitch_st[inner])) < 0.2


def test_pitch_follows_a_glide_in_semitones():
    p = pr.analyze(glide(100.0, 200.0, 2.0), sr=SR)
    st = 12 * np.log2(p.f0_hz / 100.0)
    t = p.times_s
    ok = ~np.isnan(st) & (t > 0.1) & (t < 1.9)
    # one octave over 2 s: 6 semitones per second
    assert np.polyfit(t[ok], st[ok], 1)[0] == pytest.approx(6.0, rel=0.05)


def test_noise_is_unvoiced():
    noise = silence(2.0, noise_dbfs=-20.0)
    assert pr.analyze(noise, sr=SR).voiced.mean() < 0.02


def test_semitones():
    assert pr.semitones(np.array([100.0, 200.0, 50.0, np.nan]), ref_hz=100.0) == pytest.approx(
        [0.0, 12.0, -12.0, np.nan], nan_ok=True)


def test_level_matches_librosa_rms():
    librosa = pytest.importorskip("librosa")
    y = syllables(1.3)
    ours = pr.level_db(y, sr=SR)
    rms = librosa.feature.rms(y=y, frame_length=400, hop_length=160, center=True, pad_mode="constant")[0]
    theirs = 20 * np.log10(np.maximum(rms, 1e-12))
    n = min(len(ours), len(theirs))
    assert np.allclose(ours[:n], theirs[:n], atol=0.01)


def test_aperiodicity_low_for_a_tone_high_for_noise():
    f0, aperiodicity = pr.yin(tone(150.0, 1.0)[::2], sr=8000)
    assert np.median(aperiodicity[5:-5]) < 0.05 and np.nanmedian(f0[5:-5]) == pytest.approx(150.0, rel=0.01)
    _, noisy = pr.yin(silence(1.0, noise_dbfs=-20.0)[::2], sr=8000)
    assert np.median(noisy) > pr.MAX_APERIODICITY


def test_pitch_on_chosen_frames_only_is_the_same_there():
    # a glide (F0 changes every frame), analysed everywhere and then on two runs, one a single frame
    y = glide(120.0, 220.0, 1.0)[::2]
    f0, aperiodicity = pr.yin(y, sr=8000)
    where = np.zeros(len(f0), dtype=bool)
    where[20:45], where[70] = True, True
    f0_some, ap_some = pr.yin(y, sr=8000, where=where)
    assert np.array_equal(f0_some[where], f0[where]) and np.array_equal(ap_some[where], aperiodicity[where])
    assert np.isnan(f0_some[~where]).all() and (ap_some[~where] == 1.0).all()


def test_highpass_removes_dc_and_rumble_keeps_voice():
    t = np.arange(3 * SR) / SR
    y = (0.5 + 0.3 * np.sin(2 * np.pi * 8 * t) + 0.2 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    out = pr.highpass(y, sr=SR)
    mid = slice(SR // 2, -SR // 2)
    assert abs(out[mid].mean()) < 1e-3
    assert np.max(np.abs(out[mid])) == pytest.approx(0.2, rel=0.02)


# silences at known times: (tone, gap) layouts
LAYOUTS = [
    [("tone", 1.0), ("gap", 0.25), ("tone", 1.0)],
    [("gap", 0.6), ("tone", 0.8), ("gap", 1.9), ("tone", 0.5), ("gap", 0.3)],
    [("tone", 0.5), ("gap", 0.3), ("tone", 0.3), ("gap", 0.7), ("tone", 0.4), ("gap", 0.26), ("tone", 0.6)],
]


@pytest.mark.parametrize("noise_dbfs", [None, -65.0])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_silences_at_known_times(layout, noise_dbfs):
    pieces, truth, t = [], [], 0.0
    for kind, duration in layout:
        pieces.append(tone(150.0, duration) if kind == "tone" else silence(duration, noise_dbfs=noise_dbfs))
        if kind == "gap":
            truth.append((t, t + duration))
        t += duration
    y = np.concatenate(pieces)
    if noise_dbfs is not None:
        y = y + silence(len(y) / SR, noise_dbfs=noise_dbfs, seed=9)
    found = pr.analyze(y, sr=SR).silences_s
    assert len(found) == len(truth)
    for (s, e), (a, b) in zip(found, truth):
        assert abs(s - a) < 0.01 and abs(e - b) < 0.01


def test_short_gaps_and_clicks_are_not_pauses():
    # a 150 ms gap (a stop closure) is no pause; a 10 ms click inside a pause does not split it
    y = np.concatenate([tone(150, 0.5), silence(0.15), tone(150, 0.5), silence(0.4), tone(150, 0.01),
                        silence(0.4), tone(150, 0.5)])
    found = pr.analyze(y, sr=SR).silences_s
    assert len(found) == 1
    assert found[0][0] == pytest.approx(1.15, abs=0.01) and found[0][1] == pytest.approx(1.96, abs=0.01)


def test_continuous_speech_like_sound_has_no_silences():
    assert len(pr.analyze(syllables(6.0), sr=SR).silences_s) == 0


def test_empty_and_constant_input():
    p = pr.analyze(np.zeros(SR, dtype=np.float32), sr=SR)
    assert p.silences_s.tolist() == [[0.0, 1.0]] and not p.voiced.any()
    assert pr.analyze(tone(200, 1.0), sr=SR).silences_s.size == 0


@settings(max_examples=25, deadline=None)
@given(
    gap_s=st.floats(min_value=0.25, max_value=2.0),
    at_s=st.floats(min_value=0.3, max_value=1.7),
    noise=st.sampled_from([None, -70.0, -55.0]),
)
def test_any_inserted_gap_is_found_within_50ms(gap_s, at_s, noise):
    speech = syllables(2.0, seed=4)
    cut = int(at_s * SR)
    y = np.concatenate([speech[:cut], silence(gap_s, noise_dbfs=noise), speech[cut:]])
    found = pr.analyze(y, sr=SR).silences_s
    hits = [(s, e) for s, e in found if abs(s - at_s) <= 0.05 and abs(e - (at_s + gap_s)) <= 0.05]
    assert len(hits) == 1 and len(found) == 1, (found, at_s, gap_s)


def test_spectral_flux_low_for_a_held_vowel_high_for_changing_sound():
    held = pr.spectral_flux_db(tone(120, 1.0), sr=SR)[10:-10]
    changing = pr.spectral_flux_db(syllables(1.0) + silence(1.0, noise_dbfs=-40), sr=SR)[10:-10]
    assert np.median(held) < 0.5 < 1.5 < np.median(changing)


def test_sounding_time_and_centre():
    silences = np.array([[1.0, 2.0], [3.0, 3.5]])
    assert pr.sounding_time(0.5, 4.0, silences) == pytest.approx(2.0)
    # a word "stretched" over a pause sits where it sounds
    assert pr.sounding_centre(0.9, 2.6, silences) == pytest.approx((0.1 * 0.95 + 0.6 * 2.3) / 0.7)
    assert pr.sounding_centre(1.2, 1.8, silences) == pytest.approx(1.5)


def test_runs():
    assert pr.runs(np.array([0, 1, 1, 0, 1], bool)).tolist() == [[1, 3], [4, 5]]
    assert pr.runs(np.zeros(0, bool)).shape == (0, 2)


def test_speed_well_under_a_second_per_minute():
    import time

    y = np.concatenate([syllables(5.0, seed=s) for s in range(12)])
    pr.analyze(y[:SR], sr=SR)
    start = time.perf_counter()
    pr.analyze(y, sr=SR)
    assert time.perf_counter() - start < 2.0  # about 0.2 s on a 2-core CI machine
