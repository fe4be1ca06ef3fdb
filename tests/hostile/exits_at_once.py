import sys
print("Error: could not load config.yml", file=sys.stderr)
sys.exit(3)
