def main(context):
    return None
