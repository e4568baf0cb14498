"""What the app answers with, rendered from the use cases' results: JSON, SVG badges and charts,
HTML and text pages, CSV and Prometheus metrics. Pure functions: records in, text out."""
