using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// The Data Protection key ring in <c>{DataPath}/keys</c> (<see cref="FileSystemXmlRepository"/>), with the folder and
/// every key file owner-only: the framework's repository writes its files with the process's default mode.
/// </summary>
public sealed class OwnerOnlyXmlRepository : IXmlRepository
{
    private readonly FileSystemXmlRepository _files;
    private readonly string _folder;

    public OwnerOnlyXmlRepository(string folder, ILoggerFactory loggerFactory)
    {
        _folder = OwnerOnly.CreateFolder(folder).FullName;
        OwnerOnly.Restrict(_folder, folder: true);
        _files = new FileSystemXmlRepository(new DirectoryInfo(_folder), loggerFactory);
    }

    public IReadOnlyCollection<XElement> GetAllElements() => _files.GetAllElements();

    public void StoreElement(XElement element, string friendlyName)
    {
        _files.StoreElement(element, friendlyName);
        foreach (var file in Directory.EnumerateFiles(_folder))
        {
            OwnerOnly.Restrict(file, folder: false);
        }
    }
}
