import PorticoCLI
PorticoCommand.main()
