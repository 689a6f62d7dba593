"""District broadcasts: audiences, composing with a preview, starting, reports."""
