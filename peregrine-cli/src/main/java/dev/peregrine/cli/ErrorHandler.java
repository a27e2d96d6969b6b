package dev.peregrine.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into messages and exit codes. Usage errors exit with 2; unexpected failures with 3 and a
 * one-line message, plus the stack trace only when {@code PEREGRINE_VERBOSE} is set or {@code --verbose} was given.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    static final int EXIT_USAGE = 2;
    static final int EXIT_INTERNAL = 3;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("peregrine: " + ex.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        return EXIT_USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof UserError user) {
            err.println("peregrine: " + user.getMessage());
            return user.exitCode();
        }
        err.println("peregrine: internal error: " + ex);
        if (verbose(parseResult)) {
            ex.printStackTrace(err);
        } else {
            err.println("(run with PEREGRINE_VERBOSE=1 for the stack trace)");
        }
        return EXIT_INTERNAL;
    }

    private static boolean verbose(ParseResult parseResult) {
        return System.getenv("PEREGRINE_VERBOSE") != null
                || parseResult.originalArgs().contains("--verbose");
    }
}
