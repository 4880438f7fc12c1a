"""The Qt widgets layer: renders engine state and forwards the handler's intents."""
