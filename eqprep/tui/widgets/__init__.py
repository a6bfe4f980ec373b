"""Reusable widgets: question display and answer input, feedback, heatmap."""
