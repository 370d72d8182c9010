"""samverkan: samverkansöverenskommelser mellan kommun och polis som YAML → Word."""

__version__ = "0.1.0"
