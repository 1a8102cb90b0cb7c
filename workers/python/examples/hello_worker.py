from taskbridge import run


async def echo(payload, ctx):
    return payload


async def count(payload, ctx):
    for i in range(payload["n"]):
        ctx.emit({"i": i})
    return {"count": payload["n"]}


if __name__ == "__main__":
    run({"hello.echo": echo, "hello.count": count})
