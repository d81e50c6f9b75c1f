"""The command-line interface (import name ``btfsynth.cli``); see :mod:`btfsynth.cli.main`."""
