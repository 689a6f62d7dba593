"""The LINE rich menu: its spec from content and its image, drawn with Pillow."""
