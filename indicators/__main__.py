from indicators.commands.cli import main

raise SystemExit(main())
