import PorticoCLI

await PorticoCommand.start()
