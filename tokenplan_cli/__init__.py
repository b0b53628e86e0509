"""tokenplan: quota calculator and planner for the MiMo Token Plan."""

__version__ = "0.1.0"
