"""The lesson's mathematics, on values checked by hand and against independent
computations: the loss, the gradient, the update, the thresholds, training, two weights."""

import numpy as np
import pytest
from conftest import POST_LOG

import regression_gd as rg

X, Z = rg.POST_X, rg.POST_Z
A0 = 0.2718754143840908  # the post's random start


# %% The lesson's functions, on values checked by hand

def test_predict_multiplies_and_predict_with_offset_adds():
    assert list(rg.predict(2.0, np.array([0.0, 1.5, -3.0]))) == [0.0, 3.0, -6.0]
    assert list(rg.predict_with_offset(2.0, 1.0, np.array([0.0, 1.5]))) == [1.0, 4.0]


def test_loss_is_mean_squared_error():
    # gaps 1 and -2: (1 + 4) / 2
    assert rg.loss(np.array([1.0, 0.0]), np.array([0.0, 2.0])) == 2.5


def test_gradient_by_hand():
    # a=1, x=[1,2], z=[0,0]: (2/2) * ((1-0)*1 + (2-0)*2) = 5
    assert rg.gradient(1.0, np.array([1.0, 2.0]), np.array([0.0, 0.0])) == 5.0


@pytest.mark.parametrize("a", [-3.0, A0, 1.0, 1.991412006340672, 4.0])
def test_gradient_matches_central_difference(a):
    numeric = rg.finite_difference(a, X, Z, h=1e-5)
    assert rg.gradient(a, X, Z) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_loss_curve_is_the_loss_at_every_a():
    a_values = np.linspace(-3, 5, 9)
    expected = [rg.loss(rg.predict(a, X), Z) for a in a_values]
    assert rg.loss_curve(a_values, X, Z) == pytest.approx(expected, rel=1e-12)


def test_step_moves_against_the_gradient():
    assert rg.step(1.0, 5.0, 0.1) == 0.5
    assert rg.step(1.0, -5.0, 0.1) == 1.5


def test_first_step_moves_a_by_lr_times_gradient():
    # the prose: the first step moves a by 0.1166, not by the learning rate 0.001
    weights = rg.train(A0, X, Z, 1e-3, 1).weights
    assert weights[0] == A0 and weights[1] - A0 == pytest.approx(0.1166, abs=5e-5)


def test_the_tangent_forecast_and_the_exact_change_of_the_first_step():
    # the prose: the tangent forecasts 90.124, the loss is 90.585; the exact formula adds
    # (Σx²/N)·(lr·g)²
    lr, g, start = 1e-3, rg.gradient(A0, X, Z), rg.loss(rg.predict(A0, X), Z)
    after = rg.train(A0, X, Z, lr, 1).losses[1]
    assert start - lr * g * g == pytest.approx(90.124, abs=5e-4)
    assert after == pytest.approx(90.585, abs=5e-4)
    assert after == pytest.approx(start - lr * g * g + np.mean(X * X) * (lr * g) ** 2,
                                  rel=1e-12)


def test_exact_minimum_has_zero_gradient_and_the_floor():
    a_star = rg.best_a(X, Z)
    assert a_star == pytest.approx(1.991412006340672, rel=1e-15)
    assert abs(rg.gradient(a_star, X, Z)) < 1e-9
    assert rg.loss(rg.predict(a_star, X), Z) == pytest.approx(3.463, abs=5e-4)


def test_random_start_is_the_posts():
    assert rg.random_start(45) == A0


def test_log_pairs_the_gradient_used_with_the_weight_after_it():
    # the prose: at i=10 the log shows -61.98, while the slope at the printed a is -57.78
    history = rg.train(A0, X, Z, 1e-3, 10)
    assert history.grads[-1] == pytest.approx(-61.98, abs=5e-3)
    assert rg.gradient(history.weights[-1], X, Z) == pytest.approx(-57.78, abs=5e-3)


def test_train_prints_every_few_steps_and_the_last(capsys):
    rg.train(A0, X, Z, 1e-3, 25, every=10)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["i=10", "i=20", "i=25"]
    with open(POST_LOG) as file:
        assert lines[:2] == file.read().splitlines()[:2]
    rg.train(A0, X, Z, 1e-3, 25)
    assert capsys.readouterr().out == ""  # every=None: the studies print nothing


def test_thresholds_of_the_post():
    assert rg.stability_bound(X) == pytest.approx(0.0295, abs=5e-5)
    assert rg.stability_bound(X) / 2 == pytest.approx(0.0147, abs=5e-5)
    assert rg.contraction(1e-3, X) == pytest.approx(0.932, abs=5e-4)
    assert rg.stability_bound(X * 20) == pytest.approx(7.4e-5, rel=0.01)  # x up to 200
    # "as the square of the scale"
    assert rg.stability_bound(X * 300) == pytest.approx(rg.stability_bound(X) / 300 ** 2)
    # "about 33 steps per factor of 10 closer"
    assert np.log(0.1) / np.log(rg.contraction(1e-3, X)) == pytest.approx(33, abs=0.5)


@pytest.mark.parametrize("share, behaviour", [
    (0.25, "approaches from one side"), (0.5, "lands in one step"),
    (0.75, "overshoots and converges"), (1.0, "bounces"), (1.02, "diverges")])
def test_every_step_multiplies_the_distance_by_c(share, behaviour):
    lr = share * rg.stability_bound(X)
    a_star, c = rg.best_a(X, Z), rg.contraction(lr, X)
    distance = rg.train(A0, X, Z, lr, 40).weights - a_star
    predicted = (A0 - a_star) * c ** np.arange(41)
    assert distance == pytest.approx(predicted, rel=1e-6, abs=1e-9)
    if behaviour == "approaches from one side":
        assert np.all(distance < 0)
    elif behaviour == "lands in one step":
        assert abs(distance[1]) < 1e-9
    elif behaviour == "overshoots and converges":
        assert np.all(np.sign(distance[:6]) == [-1, 1, -1, 1, -1, 1])
        assert abs(distance[-1]) < 1e-6
    elif behaviour == "bounces":
        assert abs(distance[-1]) == pytest.approx(abs(distance[0]), rel=1e-9)
    else:
        assert abs(distance[-1]) > 2 * abs(distance[0])


def test_run_kinds():
    a_star = rg.best_a(X, Z)

    def kind(lr, steps=100):
        return rg.run_kind(lr, X, A0, rg.train(A0, X, Z, lr, steps).weights[-1], a_star)
    assert kind(1e-6) == "barely moving"
    assert kind(1e-3) == "converging"
    assert kind(0.02) == "overshooting but converging"
    assert kind(0.03) == "diverging"
    assert kind(rg.stability_bound(X)) == "bouncing"


def test_train_stops_where_the_loss_blows_up():
    lr, weights, losses, grads = rg.train(A0, X, Z, 0.05, 100)
    start = rg.loss(rg.predict(A0, X), Z)
    assert lr == 0.05 and len(weights) == 5 == len(losses) == len(grads) + 1
    assert losses[-1] > rg.BLOWUP * start and np.all(losses[:-1] <= rg.BLOWUP * start)


def test_state_is_the_lessons_numbers():
    a = 0.7
    state = rg.state(a, X, Z, 0.002)
    assert list(state.fitted) == list(rg.predict(a, X))
    assert state.loss == rg.loss(rg.predict(a, X), Z)
    assert state.gradient == rg.gradient(a, X, Z)
    assert state.move == -0.002 * rg.gradient(a, X, Z)


def test_safe_rate_and_steps_needed():
    half = rg.stability_bound(X) / 2
    assert rg.safe_rate(half) == pytest.approx(0.01) and rg.safe_rate(half) < half
    assert rg.safe_rate(2 / rg.curvatures(X)[-1]) == pytest.approx(0.02)
    a_star = rg.best_a(X, Z)
    distance = abs(A0 - a_star)
    close = 0.01 * distance  # the lesson's yardstick: 1% of the start's distance
    for lr in (1e-6, 1e-3, 0.01, 0.02):
        needed = rg.steps_needed(rg.contraction(lr, X), distance, close)
        weights = rg.train(A0, X, Z, lr, needed).weights
        assert abs(weights[-1] - a_star) <= close  # enough steps,
        assert needed == 1 or abs(weights[-2] - a_star) > close  # and no more than needed
    assert rg.steps_needed(rg.contraction(rg.stability_bound(X), X), distance, close) is None


def test_enough_steps_are_enough_and_descend_counts_the_real_steps():
    for lr in (1e-3, 0.01, 0.02, 0.028):
        descent = rg.descend(X, Z, A0, lr, rg.enough_steps(lr, X))
        if rg.enough_steps(lr, X) < rg.STUDY_STEPS:
            assert descent.reached is not None
        if descent.reached is not None:
            gaps = np.hypot(*(descent.path - descent.best).T)
            assert gaps[descent.reached] <= 0.01 * gaps[0] < gaps[descent.reached - 1]


# %% The learning curve predicts itself

def test_excess_loss_follows_c_squared_per_step():
    history = rg.train(A0, X, Z, 1e-3, 100)
    floor = rg.loss(rg.predict(rg.best_a(X, Z), X), Z)
    excess = history.losses - floor
    predicted = excess[0] * rg.contraction(1e-3, X) ** (2.0 * np.arange(101))
    assert excess == pytest.approx(predicted, rel=1e-8)


# %% Two weights

@pytest.mark.parametrize("a, b", [(A0, 0.0), (1.0, -2.0), (2.5, 3.0)])
def test_two_weight_gradients_match_central_differences(a, b):
    h = 1e-6

    def loss_at(a_, b_):
        return rg.loss(rg.predict_with_offset(a_, b_, X), Z)
    along_a = (loss_at(a + h, b) - loss_at(a - h, b)) / (2 * h)
    along_b = (loss_at(a, b + h) - loss_at(a, b - h)) / (2 * h)
    means = np.mean(X * X), np.mean(X), np.mean(X * Z), np.mean(Z)  # as train_two_weights
    assert rg.gradients(a, b, means) == pytest.approx((along_a, along_b), rel=1e-6, abs=1e-6)
    errors = rg.predict_with_offset(a, b, X) - Z  # the sums before they are multiplied out
    direct = 2 * np.mean(errors * X), 2 * np.mean(errors)
    assert rg.gradients(a, b, means) == pytest.approx(direct, rel=1e-12, abs=1e-12)


def test_loss_surface_is_the_loss_at_every_a_and_b():
    a, b = np.meshgrid(np.linspace(-1, 4, 5), np.linspace(-3, 3, 4))
    expected = [[rg.loss(rg.predict_with_offset(p, q, X), Z) for p, q in zip(ra, rb, strict=True)]
                for ra, rb in zip(a, b, strict=True)]
    assert rg.loss_surface(a, b, X, Z) == pytest.approx(np.array(expected), rel=1e-10)


def test_normal_equations_match_least_squares():
    expected = np.linalg.lstsq(np.column_stack([X, np.ones_like(X)]), Z, rcond=None)[0]
    assert rg.best_line(X, Z) == pytest.approx(tuple(expected), rel=1e-12)
    assert rg.best_line(np.ones(5), np.arange(5.0)) is None  # every x the same


def test_two_weight_bound_for_the_post_and_never_above_one_weight():
    assert 2 / rg.curvatures(X)[-1] == pytest.approx(0.02886, abs=5e-6)
    for x in (X, X / 1000, X * 1000 + 5, np.array([1.0, 2.0])):
        assert 2 / rg.curvatures(x)[-1] <= rg.stability_bound(x)


def test_two_weight_loss_never_rises_below_its_bound_and_diverges_above():
    bound = 2 / rg.curvatures(X)[-1]
    path = rg.train_two_weights(A0, 0.0, X, Z, 0.99 * bound, 2000)
    losses = rg.loss_surface(path[:, 0], path[:, 1], X, Z)
    assert np.all(np.diff(losses) <= 1e-12 * losses[:-1])
    assert path[-1] == pytest.approx(rg.best_line(X, Z), rel=1e-3)
    above = rg.train_two_weights(A0, 0.0, X, Z, 1.05 * bound, 300)
    assert rg.loss_surface(above[-1, 0], above[-1, 1], X, Z) > 1e3 * losses[0]


def test_standardised_x_has_mean_0_and_spread_1():
    scaled = rg.standardised(X)
    assert np.mean(scaled) == pytest.approx(0, abs=1e-12)
    assert np.std(scaled) == pytest.approx(1)
