//! Self-contained HTML report with SVG charts
