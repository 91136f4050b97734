"""The panels are bound to the declared settings: what they show is the session's, what is
typed reaches the live session, and what is out of range is refused with the limit."""
import pytest
from PySide6.QtCore import Qt

from backprop_lab.gui.model.config import Config

pytestmark = pytest.mark.gui


@pytest.fixture
def window(make_window):
    return make_window(Config(dataset="moons", hidden=[4], activations=["tanh"],
                              optimizer="sgd", learning_rate=0.1))


def test_optimizer_rows_follow_the_optimizer_and_reach_the_session(window, qtbot):
    panel = window.training_panel
    fields = panel.more.fields
    assert not fields["beta"].isVisibleTo(window) and not fields["beta1"].isVisibleTo(window)
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("momentum"))
    assert fields["beta"].isVisibleTo(window) and fields["nesterov"].isVisibleTo(window)
    fields["beta"].setValue(0.8)
    fields["nesterov"].setChecked(True)
    settings = window.controller.session.optimizer_settings
    assert settings["beta"] == pytest.approx(0.8) and settings["nesterov"] is True
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("adam"))
    assert fields["beta1"].isVisibleTo(window) and not fields["beta"].isVisibleTo(window)
    eps = fields["eps"]
    eps.setFocus()
    eps.selectAll()
    qtbot.keyClicks(eps, "1e-6")
    qtbot.keyClick(eps, Qt.Key.Key_Return)
    assert window.controller.session.optimizer_settings["eps"] == pytest.approx(1e-6)
    eps.selectAll()
    qtbot.keyClicks(eps, "5")
    qtbot.keyClick(eps, Qt.Key.Key_Return)
    assert "ε must be a number from 1e-12 to 0.1" in window.statusBar().currentMessage()
    assert eps.text() == "1e-06"                  # the field shows the session's value again


def test_clipping_and_schedules_reach_the_session(window):
    fields = window.training_panel.more.fields
    fields["clip_norm"].setValue(1.5)
    assert window.controller.session.clip_norm == pytest.approx(1.5)
    fields["clip_norm"].setValue(0)
    assert window.controller.session.clip_norm is None
    schedule = fields["schedule"]
    schedule.setCurrentIndex(schedule.findData("step"))
    assert fields["schedule_step"].isVisibleTo(window)
    assert not fields["schedule_epochs"].isVisibleTo(window)
    fields["schedule_step"].setValue(5)
    fields["schedule_gamma"].setValue(0.25)
    assert window.controller.session.schedule.to_dict() == {"name": "step", "step_size": 5,
                                                             "gamma": 0.25}
    session = window.controller.session
    session.run(10)
    assert session.current_learning_rate == pytest.approx(0.1 * 0.25 ** 2)
