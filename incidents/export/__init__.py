"""What leaves the dashboard: data files (CSV, GeoJSON, Excel), print-ready charts (PNG, SVG, PDF) and
the one-document brief (HTML, PDF). Every export is made from a `View`, so it is exactly what is on screen."""
