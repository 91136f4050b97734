"""Keyboard and screen-reader access: names for everything, a ring around the focus, and a
status line that screen readers announce.

* :func:`describe` gives a control an accessible name (its text, the label beside it or its
  tooltip) and description (its tooltip) when it has none; :data:`VIEW_NAMES` names the views.
  :class:`Accessibility` describes every widget of the app's windows as Qt polishes it, so
  controls made later (a lesson's try buttons, a new layer's activation box) are named too.
* :class:`FocusRing` draws a thick ring in the theme's highlight color around the widget
  that the keyboard (Tab, Shift+Tab) moved the focus to, at every size and in every theme.
* :class:`StatusLine` says where training stands ("epoch 120, loss 0.21, accuracy 97 %,
  3 dead units") in the status bar, and announces it politely to screen readers
  (QAccessibleAnnouncementEvent) when it changes — at most every few seconds while playing.
"""
from __future__ import annotations

import math
import time

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QColor, QPainter, QPen
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSlider,
                               QAbstractSpinBox, QBoxLayout, QComboBox,
                               QFormLayout, QFrame, QLabel, QLineEdit, QTabBar, QWidget)

CONTROLS = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit, QTabBar,
            QAbstractItemView)
#: The views, by the window's attribute: (name, description).
VIEW_NAMES = {
    "network_view": ("Network graph", "Units as heatmaps of their output, edges colored by "
                     "sign and sized by magnitude. Arrow keys and Space train; + and − zoom."),
    "boundary": ("Output plot", "The network's output over the input plane, with the "
                 "training and test points"),
    "predictions": ("Predictions", "Confusion matrix and sample predictions"),
    "loss_plot": ("Loss plot", "Training and test loss, accuracy and per-layer gradient norms "
                  "against the epoch"),
    "step_inspector": ("Step inspector", "The phase being stepped: its formula, meaning and "
                       "matrices"),
    "unit_inspector": ("Unit inspector", "The selected unit's weights, bias and activity"),
    "activation_view": ("Activation", "A layer's activation and its slope over a histogram "
                        "of its pre-activations"),
    "timeline_bar": ("Timeline", "Drag back through training and resume from an earlier "
                     "epoch"),
    "banner": ("Diagnosis", "Why training is in trouble, and a way out"),
    "transport": ("Training controls", "Play, step, reset, speed and the epoch counter"),
    "panels": ("Settings panels", "Data, architecture and training settings"),
    "tabs": ("Inspectors", "The step inspector, the unit inspector, the activation panel, the "
             "loss landscape and the hidden space, one at a time"),
}
#: Announce the status at most this often while training plays (seconds).
ANNOUNCE_EVERY = 5.0


def _plain(text: str) -> str:
    return text.replace("&", "").replace("…", "").strip()


def buddy_text(widget: QWidget) -> str:
    """The text of the label that names ``widget`` in its layout (a form's row label, or
    the label just before it in a row), or ''."""
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    if layout is None:
        return ""
    for form in [layout, *layout.findChildren(QFormLayout)]:
        if isinstance(form, QFormLayout):
            label = form.labelForField(widget)
            if isinstance(label, QLabel) and label.text():
                return _plain(label.text()).rstrip(":")
    for box in [layout, *layout.findChildren(QBoxLayout)]:
        if not isinstance(box, QBoxLayout):
            continue
        k = box.indexOf(widget)
        if k > 0:
            before = box.itemAt(k - 1).widget()
            if isinstance(before, QLabel) and before.text() and not before.text().startswith("<"):
                return _plain(before.text()).rstrip(":")
    return ""


def describe(widget: QWidget) -> None:
    """An accessible name and description for ``widget`` where it has none (see module).
    A button's own text is its name (Qt reads it, and follows it when it changes), unless
    it is a symbol ("+", "×") or a number; other controls take the label beside them, their
    tooltip, or the name of the view they belong to."""
    tip = widget.toolTip()
    text = _plain(widget.text()) if isinstance(widget, QAbstractButton) else ""
    name = widget.accessibleName()
    if not name:
        if len(text) > 2 and not text.isdigit():
            name = text
        else:
            name = (buddy_text(widget) or tip.split(" (")[0].split(". ")[0]
                    or _owner_name(widget) or text)
            if name:
                widget.setAccessibleName(name)
    if not widget.accessibleDescription():
        widget.setAccessibleDescription(tip or name)


def _owner_name(widget: QWidget) -> str:
    """The accessible name of the nearest ancestor that has one (a plot inside a named
    view, a scroll area inside a panel)."""
    parent = widget.parentWidget()
    while parent is not None:
        if parent.accessibleName():
            return parent.accessibleName()
        parent = parent.parentWidget()
    return ""


def needs_name(widget: QWidget) -> bool:
    """Controls, and anything else the keyboard can land on — but not a control's own parts
    (a spin box's text field, a table's headers), which are read through the control."""
    takes_tab = bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)
    if isinstance(widget.parentWidget(), CONTROLS) or widget.focusProxy() is not None:
        return False
    if widget.objectName().startswith("qt_"):          # Qt's own parts: a tab bar is one
        return takes_tab
    return isinstance(widget, CONTROLS) or takes_tab


def describe_tree(root: QWidget) -> None:
    for widget in [root, *root.findChildren(QWidget)]:
        if needs_name(widget):
            describe(widget)


def name_views(window) -> None:
    for attribute, (name, text) in VIEW_NAMES.items():
        view = getattr(window, attribute, None)
        if view is not None:
            view.setAccessibleName(name)
            view.setAccessibleDescription(text)


def accessible_text(widget: QWidget, role=QAccessible.Text.Name) -> str:
    """What a screen reader reads for ``widget`` (its QAccessibleInterface's text)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(role) if interface is not None else ""


class FocusRing(QWidget):
    """A ring around the widget with the keyboard focus, drawn over its window."""

    WIDTH = 3

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.color = QColor(110, 0, 190)
        self.scale = 1.0
        self.target: QWidget | None = None
        self.hide()

    def follow(self, widget: QWidget | None) -> None:
        self.target = widget
        self.place()

    def place(self) -> None:
        target = self.target
        if target is None or not target.isVisible() or target.window() is not self.parentWidget():
            self.hide()
            return
        pad = math.ceil(self.WIDTH * self.scale) + 1
        top_left = target.mapTo(self.parentWidget(), target.rect().topLeft())
        self.setGeometry(QRect(top_left, target.size()).adjusted(-pad, -pad, pad, pad))
        self.raise_()
        self.show()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        width = self.WIDTH * self.scale
        p.setPen(QPen(self.color, width))
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.drawRoundedRect(self.rect().adjusted(width / 2, width / 2, -width / 2, -width / 2),
                          4, 4)
        p.end()


class Accessibility(QObject):
    """Names every widget of the app's windows as it is polished and keeps a focus ring on
    each window; ``watch(window)`` adds a window (the main window, the teacher's console)."""

    KEYBOARD_REASONS = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                        Qt.FocusReason.ShortcutFocusReason)

    def __init__(self, window, events):
        super().__init__(window)
        self.w = window
        self.rings: dict[QWidget, FocusRing] = {}
        self.status_line = StatusLine(window)
        self.status_line.setMinimumWidth(1)          # never what makes the window wider
        # Set apart from the status bar's passing messages on its left.
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.VLine)
        window.statusBar().insertPermanentWidget(0, rule)
        window.statusBar().insertPermanentWidget(1, self.status_line)
        name_views(window)
        self.watch(window)
        events.on(QEvent.Type.Polish, self._polished)
        events.on(QEvent.Type.FocusIn, self._focused)
        window.presentation.listeners.append(self.set_look)

    def watch(self, window: QWidget) -> None:
        """Name ``window``'s widgets and keep a focus ring on it."""
        describe_tree(window)
        self.rings[window] = FocusRing(window)
        window.installEventFilter(self)

    def ring(self, window: QWidget) -> FocusRing | None:
        return self.rings.get(window)

    def set_look(self, theme, scale: float) -> None:
        for ring in self.rings.values():
            ring.color = theme.qcolor("highlight")
            ring.scale = max(scale, 1.0)
            ring.place()

    def _polished(self, watched, _event) -> bool:
        if isinstance(watched, QWidget) and needs_name(watched):
            describe(watched)
        return False

    def _focused(self, watched, event) -> bool:
        if isinstance(watched, QWidget):
            ring = self.rings.get(watched.window())
            if ring is not None and watched is not ring:
                ring.follow(watched if event.reason() in self.KEYBOARD_REASONS else None)
        return False

    def eventFilter(self, watched, event) -> bool:
        """A watched window resized or laid out again: its ring follows."""
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest) \
                and watched in self.rings:
            ring = self.rings[watched]
            QTimer.singleShot(0, ring, ring.place)       # dropped if the ring is gone by then
        return False


class StatusLine(QLabel):
    """Where training stands, in words, for the status bar and for screen readers."""

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.w = window
        self.setObjectName("statusLine")
        # No fixed accessible name: the name read out is the status itself, and each new
        # text is announced as a name change by QLabel.
        self.setAccessibleDescription("Training status: epoch, loss, accuracy and dead units, "
                                      "updated as training goes")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._announced = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.refresh)
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.timer.start()                   # follows training while it can be seen

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.timer.stop()

    def status(self) -> str:
        """e.g. 'epoch 120, loss 0.21, accuracy 97 %, 3 dead units'."""
        w = self.w
        session = w.controller.session
        state = w.view_state
        epoch = state.shown_epoch()
        parts = [f"epoch {epoch:,}" if not state.looking_back
                 else f"showing epoch {epoch:,} of {session.epoch:,}"]
        # The numbers of the epoch shown, also when it is a past one.
        latest = session.history.latest if not state.looking_back else \
            session.history.row_at(epoch)
        if session.diverged and not state.looking_back:
            parts.append("training diverged")
        elif latest:
            loss = latest.get("train_loss", float("nan"))
            if math.isfinite(loss):
                # The thinned history may hold an earlier row than the epoch shown: say so.
                recorded = int(latest.get("epoch", epoch))
                parts.append(f"loss {loss:.2g}" + (f" (at epoch {recorded:,})"
                                                   if recorded != epoch else ""))
            metric = session.metric
            value = latest.get(f"train_{metric}", float("nan"))
            if math.isfinite(value):
                parts.append(f"accuracy {value * 100:.0f} %" if metric == "accuracy"
                             else f"R² {value:.2f}")
        dead = len(w.network_view.dead_units)
        parts.append("no dead units" if not dead else
                     f"{dead} dead unit{'s' if dead != 1 else ''}")
        return ", ".join(parts)

    def refresh(self) -> None:
        text = self.status()
        if text == self.text():
            return
        self.setText(text)
        now = time.monotonic()
        if not self.w.loop.running or now - self._announced >= ANNOUNCE_EVERY:
            self._announced = now
            announce(self, text)


def announce(widget: QWidget, text: str) -> None:
    """Have screen readers say ``text`` when they are free (polite)."""
    event = QAccessibleAnnouncementEvent(widget, text)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)
