"""One call: the engine, its state and recommendation, closure rules and scripted calls."""
