"""Plain-Python core: protocol packs, the decision engine and scripted calls."""
