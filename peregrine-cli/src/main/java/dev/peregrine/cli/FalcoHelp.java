package dev.peregrine.cli;

/** The usage text of Peregrine's Falco-compatible command line. */
final class FalcoHelp {
    private FalcoHelp() {
    }

    static String text() {
        return """
                Peregrine - runtime security speaking the Falco rules language
                Usage:
                  peregrine [OPTION...]              Falco's command line (below)
                  peregrine rules validate|list ...  work with rules files
                  peregrine fields [--json]          list the fields rules can use
                  peregrine help COMMAND             help on a subcommand

                  -h, --help                    Print this help and exit.
                  -c <path>                     Configuration file (default /etc/falco/falco.yaml).
                      --config-schema           Not available in Peregrine.
                      --rule-schema             Not available in Peregrine.
                      --disable-source <source> Turn off an event source (no effect when replaying a capture).
                      --dry-run                 Load the configuration and rules, then exit without processing
                                                events.
                      --enable-source <source>  Enable only this event source (no effect when replaying).
                  -i                            Print the system calls ignored by default and exit.
                  -L                            Show the name and description of all rules and exit (JSON with
                                                json_output=true).
                  -l <rule>                     Show the name and description of one rule and exit.
                      --list [<source>]         List the fields of every source, or of <source>, and exit.
                      --list-events             Not available in Peregrine.
                      --list-plugins            Plugins are not supported by Peregrine.
                  -M <num_seconds>              Stop after <num_seconds> of events.
                      --markdown                Accepted with --list; prints text.
                  -N                            With --list, print only field names.
                  -o, --option <opt>=<val>      Set a configuration option, overriding the configuration file:
                                                base.id=val, base.subvalue.subvalue2=val, base.list[1]=val,
                                                base.list[].key=val appends an entry.
                      --plugin-info <name>      Plugins are not supported by Peregrine.
                  -p, --print <output_format>   Deprecated: append <output_format> to every rule's output (use
                                                -o append_output... instead).
                  -P, --pidfile <pid_file>      Accepted; no pid file is written.
                  -r <rules_file>               Rules file or directory (.yaml/.yml files); may be repeated.
                                                Defaults to rules_files of the configuration.
                      --support                 Not available in Peregrine.
                  -U, --unbuffered              Flush every alert as it is written.
                  -V, --validate <rules_file>   Validate the rules file(s) and exit; may be repeated.
                  -v                            Verbose output.
                      --version                 Print version information and exit.
                      --page-size               Not available in Peregrine.
                  -A                            Monitor all events (same as -o base_syscalls.all=true).

                Alerts from a capture file: -o engine.kind=replay -o engine.replay.capture_file=FILE.
                Exit codes: 0 on success, 1 on any error (printed as "Error: <message>").
                """;
    }
}
