"""The explorer, headless: every control driven through matplotlib's public API on the Agg
canvas, and what a learner would see asserted."""

import warnings

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backend_bases import KeyEvent, MouseEvent  # noqa: E402

import explorer as live  # noqa: E402
import regression_gd as rg  # noqa: E402

X, Z = rg.POST_X, rg.POST_Z
A0 = rg.random_start(45)
pytestmark = pytest.mark.slow  # every test draws the whole explorer: not in the quick run


def post_lesson():
    """What the lesson hands the explorer, for the post's points."""
    return live.Lesson(X, Z, None, rg.stability_bound(X), rg.state, rg.loss_curve, rg.train)


@pytest.fixture
def explorer():
    fig = plt.figure(figsize=live.EXPLORER_SIZE, dpi=100)
    explorer = live.Explorer(fig, post_lesson(), rg.train(A0, X, Z, 1e-3, 100))
    fig.canvas.draw()
    yield explorer
    plt.close(fig)


def shows(explorer, a):
    """Assert that the line, the errors, the point and the tangent all show the weight a."""
    scene = explorer.scene
    x_line = np.asarray(scene.line.get_xdata())
    assert np.asarray(scene.line.get_ydata()) == pytest.approx(a * x_line)
    segments = np.array(scene.errors.get_segments())
    assert segments[:, 0] == pytest.approx(np.column_stack([X, Z]))
    assert segments[:, 1] == pytest.approx(np.column_stack([X, a * X]))
    (pa,), (pl,) = scene.point.get_data()
    assert pa == pytest.approx(a) and pl == pytest.approx(rg.loss(rg.predict(a, X), Z))
    tx, ty = (np.asarray(values) for values in scene.tangent.get_data())
    assert np.mean(tx) == pytest.approx(a) and np.mean(ty) == pytest.approx(pl)
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(rg.gradient(a, X, Z))
    numbers = {label: text.get_text() for label, text in scene.numbers.items()}
    assert numbers["a ="] == f"{a:.4g}"
    assert float(numbers["loss ="]) == pytest.approx(pl, rel=1e-3)
    assert float(numbers["slope here ="]) == pytest.approx(rg.gradient(a, X, Z), rel=1e-3)
    move = -explorer.lr * rg.gradient(a, X, Z)
    assert float(numbers["next step −lr·slope ="]) == pytest.approx(move, rel=1e-2)


def test_it_opens_at_the_start(explorer):
    shows(explorer, A0)
    assert explorer.scene.numbers["step"].get_text() == "0 of 100"


def test_dragging_a_moves_everything(explorer):
    for a in (0.5, 1.991412006340672, 3.7):
        explorer.a_slider.set_val(a)
        shows(explorer, a)
        assert explorer.scene.numbers["step"].get_text() == "(a set by hand)"


def test_the_step_slider_gives_the_weights_of_train(explorer):
    weights = rg.train(A0, X, Z, 1e-3, 100).weights  # from the start
    for step in (1, 10, 57, 100):
        explorer.step_slider.set_val(step)
        assert explorer.a == weights[step]
        shows(explorer, weights[step])
        visited = explorer.trail.get_xdata()
        assert list(visited) == list(weights[:step + 1])


def test_a_new_learning_rate_retrains(explorer):
    explorer.step_slider.set_val(30)
    explorer.lr_slider.set_val(np.log10(0.02))
    assert explorer.lr == pytest.approx(0.02)
    expected = rg.train(A0, X, Z, explorer.lr, 100).weights
    assert list(explorer.weights) == list(expected)
    shows(explorer, expected[30])
    assert explorer.scene.numbers["lr ="].get_text() == "0.02"
    assert explorer.scene.numbers["warning"].get_text() == ""


def test_a_diverging_rate_stops_at_the_blow_up_and_keeps_a_in_view(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning may escape
        explorer.lr_slider.set_val(explorer.lr_slider.valmax)
        for step in range(0, 101, 7):
            explorer.step_slider.set_val(step)
            explorer.fig.canvas.draw()
            # the step shown never passes the last step before the blow-up
            assert explorer.step == min(step, len(explorer.weights) - 1)
            low, high = explorer.scene.point.axes.get_xlim()
            assert low <= explorer.a <= high  # the bowl's view follows a
            shows(explorer, explorer.weights[explorer.step])
    assert explorer.lr == pytest.approx(2 * rg.stability_bound(X))
    assert explorer.scene.numbers["warning"].get_text() == (
        "diverges: lr above N/Σx² = 0.0295; the loss blew up at step 4")
    history = rg.train(A0, X, Z, explorer.lr, 100)
    assert len(history.weights) == 5  # the start, and the loss blew up at step 4
    assert list(explorer.weights) == list(history.weights)  # the start, then every step
    assert explorer.scene.numbers["step"].get_text() == "4 of 100"
    assert explorer.step_slider.val == 4  # the slider shows the step the numbers belong to
    assert np.all(np.isfinite(explorer.weights))
    for artist in (explorer.scene.line, explorer.scene.point, explorer.scene.tangent,
                   explorer.trail):
        assert np.all(np.isfinite(np.asarray(artist.get_xydata(), dtype=float)))
    assert np.all(np.isfinite(np.array(explorer.scene.errors.get_segments())))


def test_playing_a_diverging_run_stops_where_it_blew_up(explorer):
    explorer.lr_slider.set_val(explorer.lr_slider.valmax)
    press(explorer, " ")
    for _ in range(20):
        explorer.advance()
    assert not explorer.playing and explorer.step == len(explorer.weights) - 1


def test_q_closes_the_window_and_other_keys_stay_matplotlibs(explorer):
    number = explorer.fig.number
    press(explorer, "q")
    assert not plt.fignum_exists(number)


def click(explorer, button):
    """A mouse click in the middle of a button, through the canvas's callback registry."""
    canvas = explorer.fig.canvas
    x, y = button.ax.transAxes.transform((0.5, 0.5))
    for name in ("button_press_event", "button_release_event"):
        canvas.callbacks.process(name, MouseEvent(name, canvas, x, y, button=1))


def press(explorer, key):
    canvas = explorer.fig.canvas
    canvas.callbacks.process("key_press_event", KeyEvent("key_press_event", canvas, key))


def test_play_pause_button_and_timer(explorer):
    click(explorer, explorer.button)
    assert explorer.playing and explorer.button.label.get_text() == "pause"
    for _ in range(3):
        explorer.advance()  # what the timer calls while playing
    assert explorer.step == 3
    click(explorer, explorer.button)
    assert not explorer.playing and explorer.button.label.get_text() == "play"


def test_playing_stops_at_the_end(explorer):
    explorer.step_slider.set_val(99)
    press(explorer, " ")
    explorer.advance()
    explorer.advance()
    assert explorer.step == 100 and not explorer.playing


def test_keys_step_and_reset(explorer):
    weights = rg.train(A0, X, Z, 1e-3, 100).weights
    press(explorer, "right")
    press(explorer, "right")
    assert explorer.step == 2
    shows(explorer, weights[2])
    press(explorer, "left")
    assert explorer.step == 1
    press(explorer, "left")
    press(explorer, "left")
    assert explorer.step == 0
    explorer.step_slider.set_val(40)
    press(explorer, "r")
    assert explorer.step == 0
    shows(explorer, A0)


def test_redrawing_blits_only_what_moves(explorer):
    assert explorer.blitting and explorer.background is not None
    before = np.asarray(explorer.fig.canvas.buffer_rgba()).copy()
    explorer.a_slider.set_val(3.5)
    after = np.asarray(explorer.fig.canvas.buffer_rgba())
    changed = np.argwhere(np.any(before != after, axis=2))
    assert len(changed) > 0
    # The legend, drawn once with the still parts, is untouched.
    legend = explorer.fig.legends[0].get_window_extent()
    top = explorer.fig.bbox.height
    rows = slice(int(top - legend.y1) + 1, int(top - legend.y0) - 1)
    columns = slice(int(legend.x0) + 1, int(legend.x1) - 1)
    assert np.array_equal(before[rows, columns], after[rows, columns])


def test_not_asked_in_jupyter_it_prints_one_line_and_leaves_the_backend_alone(
        monkeypatch, capsys):
    import IPython

    class Kernel:
        kernel = object()  # what a shell in a Jupyter kernel has
    monkeypatch.setitem(__import__("sys").modules, "ipykernel", object())
    monkeypatch.setattr(IPython, "get_ipython", Kernel)
    backend = matplotlib.get_backend()
    history = rg.train(A0, X, Z, 1e-3, 10)
    assert live.offer(False, X, Z, history, rg.state, rg.loss_curve, rg.train,
                      rg.stability_bound(X)) is None
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1
    assert out.startswith("note: to explore live here,") and "EXPLORE = True" in out
    assert matplotlib.get_backend() == backend  # ipympl was looked for, not imported
