"""The Qt adapter of the engine's TrainingSession: signals, the training loop, the phase stepper."""
