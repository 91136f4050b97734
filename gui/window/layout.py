"""Where everything sits: panels on the left, the graph over the inspectors in the middle, the
lesson card, the output plot and the loss plot (with the timeline) on the right, the transport
bar on top.  ``build(window)`` creates the widgets as attributes of the window; presentation
mode lends the views to the stage (:mod:`.stage`) and ``home(window)`` puts them back."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QSizePolicy, QSplitter, QStackedWidget, QTabWidget, QVBoxLayout,
                               QWidget)

from backprop_lab.engine.training.inspection import EDGE_MODES

from ..panels.architecture_panel import ArchitecturePanel
from ..panels.data_panel import DataPanel
from ..panels.training_panel import TrainingPanel
from ..panels.transport_bar import TransportBar
from ..views.activation_view import ActivationPanel
from ..views.boundary_view import BoundaryView
from ..views.diagnostics_banner import DiagnosticsBanner
from ..views.flow_layout import FlowLayout
from ..views.lesson_card import LessonCard
from ..views.loss_plot import LossPlot
from ..views.network_view import NetworkView
from ..views.predictions_view import PredictionsView
from ..views.step_inspector import StepInspector
from ..views.timeline_bar import TimelineBar
from ..views.unit_inspector import UnitInspector


def build(w) -> None:
    c = w.controller
    w.transport = TransportBar()
    w.network_view = NetworkView()
    w.boundary = BoundaryView()
    w.predictions = PredictionsView()
    w.loss_plot = LossPlot()
    w.timeline_bar = TimelineBar()
    w.unit_inspector = UnitInspector()
    w.step_inspector = StepInspector()
    w.activation_view = ActivationPanel()
    w.banner = DiagnosticsBanner()
    w.lesson_card = LessonCard()
    w.data_panel = DataPanel(c)
    w.architecture_panel = ArchitecturePanel(c)
    w.training_panel = TrainingPanel(c)

    panels = QWidget()
    column = QVBoxLayout(panels)
    column.setContentsMargins(4, 4, 4, 4)
    for panel in (w.data_panel, w.architecture_panel, w.training_panel):
        column.addWidget(panel)
    column.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidget(panels)
    scroll.setWidgetResizable(True)
    # Wide enough for the panels plus the scroll bar, so no field is cut off.
    scroll.setMinimumWidth(panels.sizeHint().width()
                           + scroll.verticalScrollBar().sizeHint().width() + 4)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    w.panels = scroll

    w.edge_mode_box = QComboBox()
    for key, label in EDGE_MODES.items():
        w.edge_mode_box.addItem(label, key)
    w.edge_mode_box.setToolTip("What the edges' color and width show")
    w.gradient_check_button = QPushButton("Gradient check…")
    w.gradient_check_button.setToolTip("Compare backprop's gradients with numerical ones "
                                       "(central differences)")
    w.graph_bar = QWidget()
    edges = QWidget()
    row = QHBoxLayout(edges)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(QLabel("Edges show"))
    row.addWidget(w.edge_mode_box)
    row.addStretch(1)
    edges.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar = FlowLayout(w.graph_bar, spacing=6, margin=2)     # wraps in a narrow window
    bar.addWidget(edges)
    bar.addWidget(w.gradient_check_button)
    graph_box = QWidget()
    graph = QVBoxLayout(graph_box)
    graph.setContentsMargins(0, 0, 0, 0)
    graph.setSpacing(2)
    graph.addWidget(w.graph_bar)
    graph.addWidget(w.banner)
    graph.addWidget(w.network_view, 1)
    w.graph_box = graph_box

    w.tabs = QTabWidget()
    w.tab_pages = ((w.step_inspector, "Step inspector"), (w.unit_inspector, "Unit inspector"),
                   (w.activation_view, "Activation"))
    tips = ("One training step, phase by phase: formulas, meanings and matrices",
            "The unit clicked in the graph: its weights, bias and activity",
            "A layer's activation and slope over its pre-activations")
    for (page, title), tip in zip(w.tab_pages, tips):
        page.setAccessibleDescription(tip)
        w.tabs.addTab(page, title)
    describe_tabs(w)

    w.center_splitter = QSplitter(Qt.Orientation.Vertical)
    w.center_splitter.addWidget(graph_box)
    w.center_splitter.addWidget(w.tabs)
    w.center_splitter.setStretchFactor(0, 3)
    w.center_splitter.setStretchFactor(1, 2)
    w.center_splitter.setSizes([640, 300])          # the graph gets two thirds

    w.right_splitter = QSplitter(Qt.Orientation.Vertical)
    w.right_splitter.addWidget(w.lesson_card)
    # The output plot for 2-D data; the confusion matrix and predictions otherwise.
    w.output_stack = QStackedWidget()
    w.output_stack.addWidget(w.boundary)
    w.output_stack.addWidget(w.predictions)
    w.right_splitter.addWidget(w.output_stack)
    loss_box = QWidget()
    loss = QVBoxLayout(loss_box)
    loss.setContentsMargins(0, 0, 0, 0)
    loss.setSpacing(0)
    loss.addWidget(w.loss_plot, 1)
    loss.addWidget(w.timeline_bar)
    w.loss_box = loss_box
    w.right_splitter.addWidget(loss_box)
    w.right_splitter.setStretchFactor(1, 3)
    w.right_splitter.setStretchFactor(2, 2)
    w.right_splitter.setSizes([220, 540, 460])

    w.splitter = QSplitter(Qt.Orientation.Horizontal)
    w.splitter.addWidget(scroll)
    w.splitter.addWidget(w.center_splitter)
    w.splitter.addWidget(w.right_splitter)
    w.splitter.setStretchFactor(0, 0)
    w.splitter.setStretchFactor(1, 3)
    w.splitter.setStretchFactor(2, 2)
    w.splitter.setSizes([270, 700, 520])

    w.body = QWidget()
    main = QVBoxLayout(w.body)
    main.setContentsMargins(0, 0, 0, 0)
    main.setSpacing(0)
    main.addWidget(w.transport)
    main.addWidget(w.splitter, 1)
    # The body, or in presentation mode the stage: one of them is shown (a stacked widget
    # would take the larger minimum size of the two).
    central = QWidget()
    w.pages = QVBoxLayout(central)
    w.pages.setContentsMargins(0, 0, 0, 0)
    w.pages.setSpacing(0)
    w.pages.addWidget(w.body, 1)
    w.setCentralWidget(central)


def home(w) -> None:
    """Every view back in its place of the normal window (after presentation mode)."""
    w.body.layout().insertWidget(0, w.transport)
    w.transport.show()
    w.graph_box.layout().insertWidget(1, w.banner)
    w.center_splitter.insertWidget(0, w.graph_box)
    for k, (page, title) in enumerate(w.tab_pages):
        if w.tabs.indexOf(page) < 0:
            w.tabs.insertTab(k, page, title)
        page.show()
    describe_tabs(w)
    w.right_splitter.insertWidget(0, w.lesson_card)
    w.right_splitter.insertWidget(1, w.output_stack)
    w.right_splitter.insertWidget(2, w.loss_box)
    w.loss_plot.setMinimumHeight(0)
    for view in (w.graph_box, w.output_stack, w.loss_box):
        view.show()
    w.lesson_card.set_columns(False)
    w.lesson_card.setVisible(w.lesson_card.lesson is not None and not w.lesson_card.closed)


def describe_tabs(w) -> None:
    """Each tab's tip, also what a screen reader says of it."""
    for k in range(w.tabs.count()):
        w.tabs.setTabToolTip(k, w.tabs.widget(k).accessibleDescription())


def share_output_column(w, planar: bool) -> None:
    """The matrix, samples and weight images of data that is not 2-D need more of the right
    column's height than the square output plot."""
    splitter = w.right_splitter
    stack = splitter.indexOf(w.output_stack)
    if getattr(w, "_planar_layout", None) == planar or stack < 0:     # (on stage)
        return
    w._planar_layout = planar
    sizes = splitter.sizes()
    plots = sizes[stack] + sizes[stack + 1]
    share = 0.54 if planar else 0.66
    sizes[stack], sizes[stack + 1] = round(plots * share), round(plots * (1 - share))
    splitter.setSizes(sizes)


#: The most of the right column a lesson card takes when a lesson opens (its text scrolls
#: beyond), the height the output and loss plots keep under it at least, and what the output
#: plot keeps of it before the card takes from the loss plot's rows.
CARD_SHARE, PLOTS_HEIGHT, OUTPUT_HEIGHT = 0.4, 480, 260


def make_room_for_lesson_card(w) -> None:
    """A lesson opened: its card grows to show the whole lesson where the column has room
    for it (:data:`CARD_SHARE`, :data:`PLOTS_HEIGHT`, :data:`OUTPUT_HEIGHT`), and a card
    squeezed away gets a quarter again.  It never shrinks here: a card the student made
    taller stays."""
    if w.presentation.presenting:
        w.stage.fit()
        return
    splitter, card = w.right_splitter, w.lesson_card
    sizes = splitter.sizes()
    k = splitter.indexOf(card)
    total = sum(sizes)
    if k < 0 or total <= 0:
        return
    if card.height() < 80:         # squeezed away: a quarter again, from both plots alike
        base = max(total // 4, 200)
        rest = total - sizes[k]
        sizes = [base if i == k else round(size * (total - base) / rest) if rest else size
                 for i, size in enumerate(sizes)]
    want = min(card.needed_height(splitter.width()), int(CARD_SHARE * total),
               total - PLOTS_HEIGHT)
    if sizes[k] < want:
        # From the output plot first (a square, it has room to spare in a tall column), then
        # from the loss plot (whose rows are what a lesson often asks to watch).
        need = want - sizes[k]
        sizes[k] = want
        for view in (w.output_stack, w.loss_box):
            i = splitter.indexOf(view)
            if i < 0 or need <= 0:
                continue
            keep = OUTPUT_HEIGHT if view is w.output_stack else 0
            take = min(need, max(0, sizes[i] - keep))
            sizes[i] -= take
            need -= take
    splitter.setSizes(sizes)
