"""Every number the lesson's newer prose states, checked against an independent
computation: why a step goes downhill, the two-weight bound along the eigen-directions,
scaling the inputs, choosing a rate by trying, and when to stop."""

import re

import numpy as np
import pytest
from conftest import SCRIPT

import regression_gd as rg

X, Z = rg.POST_X, rg.POST_Z
A0 = rg.random_start(45)
RNG = np.random.default_rng(11)
OTHER_SCALES = {  # x, z at other scales (a slope near 2, with noise)
    "0…0.001": (np.linspace(0, 0.001, 20), None),
    "0…3,000": (np.linspace(0, 3000, 40), None),
    "−5…50": (np.linspace(-5, 50, 25), None),
    "0…1 offset": (np.linspace(0, 1, 12), 3.0),
}


def other(name):
    x, offset = OTHER_SCALES[name]
    return x, 2 * x + (offset or 0) + RNG.normal(0, 0.05 * np.ptp(x) + 1e-4, x.size)


def prose():
    """The lesson's text with its comment lines joined, so that a claim may wrap."""
    with open(SCRIPT) as file:
        return re.sub(r"\n# ?", " ", file.read())


def test_a_small_step_against_the_gradient_goes_down_by_lr_g_squared():
    """loss(a − lr·g) ≈ loss(a) − lr·g², for any a, the closer the smaller lr."""
    for a in (-3.0, A0, 4.0):
        g, before = rg.gradient(a, X, Z), rg.loss(rg.predict(a, X), Z)
        for lr in (1e-4, 1e-5):
            after = rg.loss(rg.predict(a - lr * g, X), Z)
            assert after < before
            assert (before - after) == pytest.approx(lr * g * g, rel=100 * lr)


def test_each_step_removes_the_same_share_33_steps_a_decade():
    assert np.log(0.1) / np.log(rg.contraction(1e-3, X)) == pytest.approx(33, abs=0.5)


def test_along_each_eigen_direction_a_step_multiplies_the_distance_by_1_minus_lr_lambda():
    h = (2 / len(X)) * np.array([[np.sum(X * X), np.sum(X)], [np.sum(X), len(X)]])
    values, vectors = np.linalg.eigh(h)
    assert rg.curvatures(X) == pytest.approx(values)
    best, lr = np.array(rg.best_line(X, Z)), 0.01
    for value, vector in zip(values, vectors.T, strict=True):
        start = best + 0.5 * vector  # on an eigen-direction through (a*, b*)
        after = rg.train_two_weights(*start, X, Z, lr, 1)[-1]
        assert after - best == pytest.approx((1 - lr * value) * 0.5 * vector, abs=1e-9)
    # the first half's rule: N/Σx² is 2 over the curvature, N/(2Σx²) is 1 over it
    curvature = 2 * np.sum(X * X) / len(X)
    assert rg.stability_bound(X) == pytest.approx(2 / curvature)
    assert 2 / rg.curvatures(X)[-1] == pytest.approx(2 / values[-1])


def test_scaling_the_inputs_rounds_the_valley():
    mean, spread = X.mean(), X.std()
    assert (mean, spread) == (pytest.approx(5.0), pytest.approx(2.98, abs=0.005))
    ratios = []
    for x in (X, X - mean, (X - mean) / spread):
        design = np.column_stack([x, np.ones_like(x)])
        values = np.linalg.eigvalsh(2 / len(x) * design.T @ design)
        ratios.append(values[-1] / values[0])
        assert rg.curvatures(x)[-1] / rg.curvatures(x)[0] == pytest.approx(ratios[-1])
    assert ratios == [pytest.approx(135, abs=0.5), pytest.approx(8.9, abs=0.05),
                      pytest.approx(1.0)]
    assert "differ 8.9×, not 135×" in prose()


def test_steps_to_within_one_percent_fall_from_496_to_39_to_1():
    """At the rate 1/λmax, the steps to within 1% of the starting distance from (a*, b*),
    counted on an independent least-squares answer, and the lesson's own count."""
    counts = []
    for x in (X, X - X.mean(), (X - X.mean()) / X.std()):
        best = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), Z, rcond=None)[0]
        rate = 1 / np.linalg.eigvalsh(2 / len(x) * np.array([[x @ x, x.sum()],
                                                              [x.sum(), len(x)]]))[-1]
        path = rg.train_two_weights(A0, 0.0, x, Z, rate, 1000)
        gaps = np.hypot(*(path - best).T)
        counts.append(int(np.argmax(gaps <= 0.01 * gaps[0])))
        assert rg.descend(x, Z, A0, rate, rg.enough_steps(rate, x)).reached == counts[-1]
    assert counts == [496, 39, 1]
    assert "crosses the valley in one step: 496, 39 and 1 steps" in prose()


def test_weights_on_standardised_x_convert_back_to_a_star_and_b_star():
    scaled, mean, spread = rg.standardised(X), X.mean(), X.std()
    a_s, b_s = rg.train_two_weights(A0, 0.0, scaled, Z, 1 / rg.curvatures(scaled)[-1], 1)[-1]
    exact = np.linalg.lstsq(np.column_stack([X, np.ones_like(X)]), Z, rcond=None)[0]
    assert (a_s / spread, b_s - a_s * mean / spread) == (pytest.approx(exact[0], rel=1e-12),
                                                         pytest.approx(exact[1], rel=1e-10))


def test_two_weights_after_5000_steps_and_one_percent():
    best = np.array(rg.best_line(X, Z))
    path = rg.train_two_weights(A0, 0.0, X, Z, 1e-3, 8000)
    left = np.hypot(*(path - best).T) / np.hypot(*(path[0] - best))
    assert left[5000] == pytest.approx(0.03, abs=0.005)
    assert int(np.argmax(left <= 0.01)) == 7178
    assert "with --steps 5000, 3% is left" in prose()


def trial_losses(x, z, start, tried, steps):
    """Each rate tried whose loss never rose in the trial: its loss after `steps` steps."""
    return {rate: rg.train(start, x, z, rate, steps).losses[-1]
            for rate, fell in tried.items() if fell}


@pytest.mark.parametrize("name", [None, *OTHER_SCALES])
def test_the_rate_kept_is_the_fastest_of_those_tried(name):
    """The lesson keeps, of the rates whose loss never rose, the one with the lowest loss
    after the 10 trial steps; it is also the lowest after 100 steps, the picture's run."""
    x, z = (X, Z) if name is None else other(name)
    start = rg.random_start(45)
    for lr in (1e-3, 0.05, 1e-9, 10.0):
        tried = rg.rates_by_trying(start, x, z, lr)
        after_trial = trial_losses(x, z, start, tried, 10)
        kept = min(after_trial, key=after_trial.get)
        assert kept < rg.stability_bound(x)
        losses = rg.train(start, x, z, kept, 10).losses
        assert np.all(np.diff(losses) <= 1e-12 * losses[:-1])
        after_100 = trial_losses(x, z, start, tried, 100)
        assert after_100[kept] <= min(after_100.values()) * (1 + 1e-9), (lr, after_100)
    if name is None:
        after_trial = trial_losses(x, z, start, rg.rates_by_trying(start, x, z, 1e-3), 10)
        assert min(after_trial, key=after_trial.get) == pytest.approx(0.01)


def test_the_search_tries_at_most_30_rates():
    assert len(rg.rates_by_trying(A0, X, Z, 1e-300)) == 30


def test_the_stopping_rule_stops_a_thousandth_of_the_way_from_a_star():
    history = rg.train(A0, X, Z, 1e-3, 1000)
    stop = rg.stopping_step(history.grads, 1e-3 * abs(history.grads[0]))
    assert stop == 99
    a = history.weights[stop]
    a_star = rg.best_a(X, Z)
    assert abs(a - a_star) / abs(A0 - a_star) == pytest.approx(1e-3, rel=0.07)
    assert rg.stopping_step(history.grads[:50], 1e-3 * abs(history.grads[0])) is None


def test_the_finite_difference_of_a_wrong_formula_is_off_by_about_one():
    a = A0
    wrong = 2 * np.sum(rg.predict(a, X) - Z) / len(Z)  # forgot the ·x
    right, numeric = rg.gradient(a, X, Z), rg.finite_difference(a, X, Z)
    assert abs(right - numeric) / abs(right) < 1e-6
    assert 0.3 < abs(wrong - numeric) / abs(numeric) < 3


def test_below_zero_c_a_swaps_sides_at_every_step():
    for lr, swings in ((0.02, True), (1e-3, False)):
        signs = np.sign(rg.train(A0, X, Z, lr, 30).weights[:10] - rg.best_a(X, Z))
        assert np.all(signs[1:] != signs[:-1]) if swings else np.all(signs == -1)
        assert (rg.contraction(lr, X) < 0) == swings


def test_the_prose_names_no_number_it_does_not_check():
    """The numbers the prose states outside the questions, each checked above or in
    test_mathematics.py."""
    text = prose()
    for claim in ("its mean is 5, its spread (its standard deviation) 2.98",
                  "about 1e-6 or less", "the tangent forecasts 90.124", "it 90.585"):
        assert claim in text, claim


def answers():
    """The lesson's predict-then-run answers, each a line of text."""
    return re.findall(r"<summary>Answer</summary> (.*?) </details>", prose())


def test_every_predict_answer_states_what_the_run_shows():
    history = rg.train(A0, X, Z, 1e-3, 100)
    a_star, c = rg.best_a(X, Z), rg.contraction(1e-3, X)
    best = rg.best_line(X, Z)
    two = rg.train_two_weights(A0, 0.0, X, Z, 1e-3, 100)[-1]
    moves = np.diff(history.weights)[[0, 99]]
    checks = [  # (words in the answer, whether they are true)
        ("The best value comes later: 1.9914", round(a_star, 4) == 1.9914),
        ("at most 10 at x = 10, where the points are near 20",
         X[-1] == 10 and 0 <= A0 < 1 and Z[-1] > 19),
        ("(19.4 measured, 2.7 on the line) squares to 280",
         round((Z[-1] - A0 * 10) ** 2, -1) == 280),
        ("The formula below gives −116.6", round(rg.gradient(A0, X, Z), 1) == -116.6),
        ("0.001 × 116.6 = 0.1166, from 0.2719 to 0.3885",
         round(history.weights[1], 4) == 0.3885),
        ("c = 0.932 times the last: 0.1166 the first, 0.00011 the hundredth",
         round(c, 3) == 0.932 and list(np.round(moves, 5)) == [0.11661, 0.00011]),
        ("c² = 0.869", round(c * c, 3) == 0.869),
        ("0.0316 is past the threshold 0.0295",
         round(rg.stability_bound(X), 4) == 0.0295 < 0.0316),
        ("`a` = 1.958 and `b` = 0.213", tuple(np.round(two, 3)) == (1.958, 0.213)),
        ("`a*` = 2.063 and `b*` = −0.486", tuple(np.round(best, 3)) == (2.063, -0.486)),
        ("`b` even moves away from `b*` at first: the line starts below most of the points",
         np.mean(A0 * X < Z) > 0.5 and rg.gradients(A0, 0.0, rg.means_of(X, Z))[1] < 0 > best[1]),
        ("differ 8.9×, not 135×", round(np.divide(*rg.curvatures(X - X.mean())[::-1]), 1)
         == 8.9),
        ("fall from 496 to 39", rg.descend(X - X.mean(), Z, A0, 1 / rg.curvatures(
            X - X.mean())[-1], 600).reached == 39),
        ("to 2.9e-8", f"{rg.stability_bound(X * 1000):.2g}" == "2.9e-08")]
    text = " ".join(answers())
    assert len(answers()) >= 12
    for words, true in checks:
        assert words in text and true, words
