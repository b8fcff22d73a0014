from xfgen.cli import main

main()
