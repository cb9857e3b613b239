using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenChat.Web.Storage;

/// <summary>
/// <c>DataProtection:CertificatePath</c> (a PKCS#12 / .pfx file with its private key) and
/// <c>DataProtection:CertificatePassword</c>: when set, the Data Protection key ring is encrypted at rest with it.
/// </summary>
public static class KeyRingCertificate
{
    public const string PathSetting = "DataProtection:CertificatePath";
    public const string PasswordSetting = "DataProtection:CertificatePassword";

    public static X509Certificate2? Load(IConfiguration configuration)
    {
        var path = configuration[PathSetting];
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[PasswordSetting]);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{PathSetting} must name a readable .pfx file ({PasswordSetting} its password): {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{PathSetting} must hold the certificate's private key, or the key ring could not be read back.");
        }

        return certificate;
    }
}
