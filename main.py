"""Backprop Lab: ``python main.py --help`` lists the options."""
from backprop_lab.gui.app import main

if __name__ == "__main__":
    raise SystemExit(main())
