global using k8s.Models;
global using NUnit.Framework;
