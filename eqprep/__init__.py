"""eqprep: E資格 (JDLA Deep Learning for ENGINEER) の学習ツール。"""

__version__ = "0.1.0"
