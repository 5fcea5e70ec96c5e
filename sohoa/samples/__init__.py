"""Realistic scanned sample dossiers with ground truth (``sohoa samples``).

``render`` draws Vietnamese text with system fonts, ``faults`` simulates a
scanner's faults; the generator builds whole dossiers from fake people and
vehicles and writes each with its ``.truth.json``.
"""
