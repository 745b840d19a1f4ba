def run(msg, original):
    pass
