"""Stage 1: read every input file into typed models and check them, alone and together; every problem as path:line."""
