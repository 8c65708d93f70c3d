"""Evaluation set and tools for measuring Sectorwijzer answer quality."""
