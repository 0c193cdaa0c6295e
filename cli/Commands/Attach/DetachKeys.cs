namespace RemoteDev.Cli.Commands.Attach;

/// <summary>Finds Ctrl-P Ctrl-Q in terminal input (split across reads too); other bytes pass through unchanged.</summary>
internal sealed class DetachKeys
{
    private const byte CtrlP = 0x10;
    private const byte CtrlQ = 0x11;

    private bool _holdingCtrlP;

    /// <summary>Appends the bytes to forward to <paramref name="forward"/>; true when the detach sequence was typed.</summary>
    public bool Feed(ReadOnlySpan<byte> input, List<byte> forward)
    {
        foreach (var b in input)
        {
            if (_holdingCtrlP)
            {
                _holdingCtrlP = false;
                if (b == CtrlQ)
                {
                    return true;
                }

                forward.Add(CtrlP);
            }

            if (b == CtrlP)
            {
                _holdingCtrlP = true;
            }
            else
            {
                forward.Add(b);
            }
        }

        return false;
    }
}
