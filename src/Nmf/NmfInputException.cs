namespace Nmf;

/// <summary>
/// Thrown when input data or parameters are unusable: the message is one line that names the file, line and
/// column (or the parameter) and what is wrong. Command-line tools report it with exit code 2.
/// </summary>
public class NmfInputException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public NmfInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public NmfInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public NmfInputException()
    {
    }
}
