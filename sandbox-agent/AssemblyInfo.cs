using System.Runtime.Versioning;

// The agent runs only in Linux sandboxes.
[assembly: SupportedOSPlatform("linux")]
