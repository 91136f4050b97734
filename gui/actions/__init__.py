"""The menus, declared as data: one module per menu, each a function ``menu(window) -> Menu``.

An :class:`Action` names what a menu entry does, its shortcuts and tip; :func:`build_menus`
turns the declarations into QActions (``window.actions[key]``), so the F1 overlay, the
keyboard handling and the tests all find an action by its key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence


@dataclass(frozen=True)
class Action:
    key: str                              # window.actions[key]
    text: str                             # with & before the mnemonic letter
    run: Callable[[], object] | Callable[[bool], object]
    shortcuts: tuple[str, ...] = ()       # QKeySequence strings; the first is shown
    tip: str = ""
    checkable: bool = False
    checked: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class Menu:
    title: str
    items: list = field(default_factory=list)   # Action, Menu, or None (a separator)
    key: str = ""                                # window.menus[key] (e.g. filled later)


def build_menus(window, menus: list[Menu]) -> tuple[dict[str, QAction], dict[str, object]]:
    """Add ``menus`` to the window's menu bar; returns (actions by key, submenus by key)."""
    actions: dict[str, QAction] = {}
    submenus: dict[str, object] = {}

    def fill(qmenu, items) -> None:
        for item in items:
            if item is None:
                qmenu.addSeparator()
            elif isinstance(item, Menu):
                sub = qmenu.addMenu(item.title)
                if item.key:
                    submenus[item.key] = sub
                fill(sub, item.items)
            else:
                action = make_action(window, item)
                qmenu.addAction(action)
                actions[item.key] = action

    for menu in menus:
        qmenu = window.menuBar().addMenu(menu.title)
        if menu.key:
            submenus[menu.key] = qmenu
        fill(qmenu, menu.items)
    return actions, submenus


def make_action(parent, spec: Action) -> QAction:
    action = QAction(spec.text, parent)
    if spec.shortcuts:
        action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if spec.tip:
        action.setStatusTip(spec.tip)
        action.setToolTip(spec.tip)
    action.setCheckable(spec.checkable)
    if spec.checkable:
        action.setChecked(spec.checked)
        action.triggered.connect(lambda on: spec.run(on))
    else:
        action.triggered.connect(lambda _checked=False: spec.run())
    action.setEnabled(spec.enabled)
    action.setObjectName(spec.key)
    return action
