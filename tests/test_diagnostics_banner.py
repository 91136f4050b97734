"""The diagnostics banner: its words follow the findings, its colour their severity."""
from backprop_lab.gui.views.diagnostics_banner import DiagnosticsBanner


def test_the_banner_turns_red_when_training_diverges_and_back_when_it_recovers(qtbot):
    banner = DiagnosticsBanner()
    qtbot.addWidget(banner)
    banner.show_messages(["3 dead units in layer 1"])
    assert banner.isVisible() and "#fff4d6" in banner.styleSheet()
    banner.show_messages(["3 dead units in layer 1", "gradients tiny"])
    assert "gradients tiny" in banner.text.text() and "#fff4d6" in banner.styleSheet()
    banner.show_messages(["training diverged"], diverged=True)
    assert "#fde2e1" in banner.styleSheet() and banner.lower_rate.isVisible()
    banner.show_messages(["4 dead units in layer 1"])
    assert "#fff4d6" in banner.styleSheet() and not banner.lower_rate.isVisible()
    banner.show_messages([])
    assert not banner.isVisible()
