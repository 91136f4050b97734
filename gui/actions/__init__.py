"""The menus, declared as data: one module per menu."""
