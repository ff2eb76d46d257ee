POSTS = {
    1: {"id": 1, "title": "Shipping Flask in containers", "body": "Multi-stage builds keep images small."},
    2: {"id": 2, "title": "Slim images", "body": "Only keep the files the app really uses."},
}
